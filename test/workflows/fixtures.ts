import { parseSlaPolicy } from '../../domain/sla-policy';
import type { SlaPolicy } from '../../domain/sla-types';
import type { RequesterActor, StaffActor, TicketInput } from '../../domain/ticket-types';

/** The design's policy file, with a 24x7 P1 so tests can reason in plain hours; a fresh copy to vary. */
export const testPolicyFile = () => ({
  calendar: {
    timezone: 'Asia/Shanghai',
    workdays: [1, 2, 3, 4, 5],
    hours: ['08:00', '18:00'],
    holidays: ['2026-10-01'],
  },
  priorities: {
    P1: { respond: '10m', resolve: '4h', clock: '24x7' },
    P2: { respond: '30m', resolve: '8h', clock: 'business' },
    P3: { respond: '2h', resolve: '3d', clock: 'business' },
  },
  defaultPriority: 'P3',
  escalation: {
    respond: [
      { after: '0s', notify: ['team_lead', 'dispatcher'], reassign: true },
      { after: '30m', notify: ['manager'] },
    ],
    resolve: [
      { after: '0s', notify: ['owner', 'team_lead'] },
      { after: '2h', notify: ['manager'], raisePriority: true },
    ],
  },
  survey: { remindAfter: '1d', expireAfter: '3d' },
});

export const testPolicy: SlaPolicy = parseSlaPolicy(testPolicyFile());

export function technician(username: string, teamCode = 'net'): StaffActor {
  const n = username.replace(/\D/g, '') || '0';
  return {
    kind: 'staff',
    username,
    name: `技术员${n}`,
    badge: `XW-02${n.padStart(2, '0')}`,
    unit: '新路网络',
    unitCode: 'xinlu',
    teamCode,
    roles: ['technician'],
  };
}

export const dispatcher: StaffActor = { ...technician('disp1'), roles: ['dispatcher'], teamCode: null };

export function ticketInput(number: string, overrides: Partial<TicketInput> = {}): TicketInput {
  return {
    number,
    submittedAt: new Date().toISOString(),
    location: {
      code: 'IH-2-301',
      campus: '主校区',
      building: '2号楼',
      floor: '3',
      room: '301',
      zone: 'north',
      kind: 'classroom',
    },
    category: { code: 'network', name: '网络故障', nameEn: 'Network', skill: 'network' },
    description: '教室网络断开',
    requester: { name: '张老师', lang: 'zh-CN' },
    priority: 'P1',
    policy: testPolicy,
    ...overrides,
  };
}

export const requester: RequesterActor = { kind: 'requester', name: '张老师' };

export function teamLead(username: string, teamCode = 'net'): StaffActor {
  return { ...technician(username, teamCode), roles: ['team_lead', 'technician'] };
}

export const manager: StaffActor = { ...technician('manager'), roles: ['manager'], teamCode: null };

/** Every priority on a 24x7 clock, so escalation tests reason in plain hours and P2 can be raised to P1. */
export const allDayPolicy: SlaPolicy = parseSlaPolicy({
  ...testPolicyFile(),
  priorities: {
    P1: { respond: '10m', resolve: '4h', clock: '24x7' },
    P2: { respond: '30m', resolve: '8h', clock: '24x7' },
    P3: { respond: '2h', resolve: '3d', clock: '24x7' },
  },
});
