import type { Pool } from 'pg';
import { hashPassword } from '../lib/passwords';
import { withTransaction } from './pool';

type Row = readonly unknown[];

const UNITS: Row[] = [
  ['nic', '网络与信息中心', 'Network and Information Center', 'center'],
  ['xinlu', '新路网络', 'Xinlu Networks', 'vendor'],
];

const TEAMS: Row[] = [
  ['net', '网络组', 'Network team', 'nic'],
  ['onsite', '现场服务组', 'On-site service team', 'xinlu'],
];

const ALL_SKILLS = ['network', 'av', 'desktop', 'account'];
const ALL_ZONES = ['*'];

// username, name, badge, unit, team, roles, skills, zones, around the clock?
const STAFF: [string, string, string, string, string | null, string[], string[], string[], boolean][] = [
  ['manager', '刘主任', 'NIC-0001', 'nic', null, ['manager'], [], [], false],
  ['admin', '系统管理员', 'NIC-0002', 'nic', null, ['admin', 'manager'], [], [], false],
  ['disp1', '陈调度', 'NIC-0101', 'nic', 'net', ['dispatcher'], [], [], true],
  ['lead1', '赵组长', 'NIC-0201', 'nic', 'net', ['team_lead', 'technician'], ALL_SKILLS, ALL_ZONES, false],
  ['tech1', '李工', 'NIC-0231', 'nic', 'net', ['technician'], ALL_SKILLS, ALL_ZONES, true],
  ['tech2', '王工', 'XW-0231', 'xinlu', 'onsite', ['technician'], ALL_SKILLS, ALL_ZONES, true],
  [
    'tech3',
    '张工',
    'NIC-0233',
    'nic',
    'net',
    ['technician'],
    ['network', 'account'],
    ['north', 'south'],
    false,
  ],
  [
    'tech4',
    '周工',
    'XW-0234',
    'xinlu',
    'onsite',
    ['technician'],
    ['desktop', 'av'],
    ['north', 'south'],
    false,
  ],
  [
    'tech5',
    '吴工',
    'XW-0235',
    'xinlu',
    'onsite',
    ['technician'],
    ['network', 'desktop'],
    ['residential'],
    false,
  ],
  ['tech6', '郑工', 'NIC-0236', 'nic', 'net', ['technician'], ['av', 'desktop', 'network'], ALL_ZONES, false],
];

// code, campus, building, floor, room, zone, kind
const LOCATIONS: Row[] = [
  ['IH-1-101', '主校区', '信息楼', '1', '101 服务大厅', 'north', 'office'],
  ['IH-2-201', '主校区', '信息楼', '2', '201', 'north', 'office'],
  ['IH-2-301', '主校区', '信息楼', '3', '301', 'north', 'classroom'],
  ['IH-ELEV-1', '主校区', '信息楼', '1', '1号电梯', 'north', 'elevator'],
  ['B2-1-105', '主校区', '2号教学楼', '1', '105', 'south', 'classroom'],
  ['B2-3-305', '主校区', '2号教学楼', '3', '305', 'south', 'classroom'],
  ['B2-4-LAB1', '主校区', '2号教学楼', '4', '计算机实验室一', 'south', 'lab'],
  ['LIB-1-HALL', '主校区', '图书馆', '1', '大厅', 'south', 'public'],
  ['LIB-3-READ', '主校区', '图书馆', '3', '阅览室', 'south', 'public'],
  ['ADM-2-210', '主校区', '行政楼', '2', '210', 'north', 'office'],
  ['DORM5-2-201', '主校区', '5号学生公寓', '2', '201', 'residential', 'dorm'],
  ['DORM5-LOBBY', '主校区', '5号学生公寓', '1', '大堂', 'residential', 'public'],
  ['RES-CENTER', '主校区', '教职工住宅区', null, '社区服务中心', 'residential', 'community'],
];

// code, name, name_en, skill, place kinds, sort
const CATEGORIES: Row[] = [
  [
    'network',
    '有线网络',
    'Wired network',
    'network',
    ['classroom', 'office', 'lab', 'dorm', 'community'],
    10,
  ],
  [
    'wifi',
    '无线网络',
    'Wi-Fi',
    'network',
    ['classroom', 'office', 'lab', 'dorm', 'public', 'community', 'elevator'],
    20,
  ],
  ['projector', '投影与音视频', 'Projector and AV', 'av', ['classroom', 'lab'], 30],
  ['computer', '计算机', 'Computer', 'desktop', ['office', 'lab', 'community'], 40],
  ['printer', '打印机', 'Printer', 'desktop', ['office', 'lab'], 50],
  ['phone', '电话', 'Telephone', 'network', ['office', 'elevator'], 60],
  [
    'account',
    '账号与认证',
    'Account and login',
    'account',
    ['classroom', 'office', 'lab', 'dorm', 'public', 'community'],
    70,
  ],
  ['other', '其他', 'Other', 'desktop', [], 99],
];

export class DemoSeedRefused extends Error {}

/** Seeds the demo campus and accounts on an empty database; returns false when there was already data. */
export async function seedDemoData(
  pool: Pool,
  options: { password: string; nodeEnv: string },
): Promise<boolean> {
  if (options.nodeEnv === 'production')
    throw new DemoSeedRefused('Demo data is never seeded when NODE_ENV=production.');
  const hashes = await Promise.all(STAFF.map(() => hashPassword(options.password)));
  return withTransaction(pool, async (client) => {
    await client.query('LOCK TABLE staff IN EXCLUSIVE MODE');
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM staff');
    if ((rows[0]?.n ?? 0) > 0) return false;
    const insert = async (sql: string, data: Row[]) => {
      for (const row of data) await client.query(sql, [...row]);
    };
    await insert('INSERT INTO service_units (code, name, name_en, kind) VALUES ($1, $2, $3, $4)', UNITS);
    await insert('INSERT INTO teams (code, name, name_en, unit_code) VALUES ($1, $2, $3, $4)', TEAMS);
    await insert(
      'INSERT INTO locations (code, campus, building, floor, room, zone, kind) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      LOCATIONS,
    );
    await insert(
      'INSERT INTO categories (code, name, name_en, skill, place_kinds, sort) VALUES ($1, $2, $3, $4, $5, $6)',
      CATEGORIES,
    );
    for (const [i, [username, name, badge, unit, team, roles, skills, zones, allDay]] of STAFF.entries()) {
      await client.query(
        `INSERT INTO staff (username, name, badge, unit_code, team_code, roles, skills, zones, email, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [username, name, badge, unit, team, roles, skills, zones, `${username}@echodesk.local`, hashes[i]],
      );
      const days = [1, 2, 3, 4, 5, 6, 7];
      const shifts = allDay
        ? days.map((d) => [d, '00:00', '00:00'])
        : days.slice(0, 5).map((d) => [d, '08:00', '18:00']);
      for (const [weekday, starts, ends] of shifts) {
        await client.query('INSERT INTO shifts (username, weekday, starts, ends) VALUES ($1, $2, $3, $4)', [
          username,
          weekday,
          starts,
          ends,
        ]);
      }
    }
    return true;
  });
}
