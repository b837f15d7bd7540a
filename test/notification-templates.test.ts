import { readdirSync } from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_TEMPLATES, type NotificationTemplate } from '../domain/notification-plan';
import type { EventActor, Lang, PublicStaff } from '../domain/ticket-types';
import {
  createNotificationRenderer,
  type NotificationVars,
  type RenderedMessage,
} from '../lib/notification-renderer';

const TEMPLATE_DIR = path.join(__dirname, '..', 'templates', 'notifications');
const LANGS: readonly Lang[] = ['zh-CN', 'en'];
const render = createNotificationRenderer({ timezone: 'Asia/Shanghai' });

const NUMBER = 'R2026-000123';
const TRACKING_URL = `https://desk.example.edu.cn/t/${NUMBER}?token=3f9a2c7d1e`;
const STAFF_URL = `https://desk.example.edu.cn/staff/tickets/${NUMBER}`;
// 08:10Z and 16:00Z are 16:10 on Nov 27 and 00:00 on Nov 28 in Asia/Shanghai: seeing the 28th proves the zone applies.
const RESPOND_AT = '2026-11-27T08:10:00Z';
const RESOLVE_AT = '2026-11-27T16:00:00Z';

const wang: PublicStaff = { username: 'tech2', name: '王工', badge: 'XW-0231', unit: '新路网络' };
const li: PublicStaff = { username: 'tech3', name: '李工', badge: 'NIC-0107', unit: '网络与信息中心' };
const zhou: PublicStaff = { username: 'tech5', name: '周工', badge: 'XW-0415', unit: '新路网络' };
const chen: PublicStaff = { username: 'lead1', name: '陈组长', badge: 'NIC-0001', unit: '网络与信息中心' };
const staff = (s: PublicStaff): EventActor => ({ kind: 'staff', ...s });
const requester: EventActor = { kind: 'requester', name: '张老师' };

interface Case {
  title: string;
  template: NotificationTemplate;
  vars: Partial<NotificationVars>;
  /** Text each language's message (subject and body) must contain. */
  expect: Record<Lang, string[]>;
  /** Text each language's message must not contain. */
  absent?: Record<Lang, string[]>;
}

const both = (...texts: string[]): Record<Lang, string[]> => ({ 'zh-CN': texts, en: texts });
const per = (zh: string[], en: string[], common: string[] = []): Record<Lang, string[]> => ({
  'zh-CN': [...common, ...zh],
  en: [...common, ...en],
});

const escalation = (clock: 'respond' | 'resolve', level: number, actions: string[]) => ({
  clock,
  level,
  deadline: clock === 'respond' ? RESPOND_AT : RESOLVE_AT,
  dueAt: RESOLVE_AT,
  firedAt: '2026-11-27T16:00:00.210Z',
  notify: ['team_lead', 'manager'],
  actions,
  priority: 'P2',
});

const CASES: Case[] = [
  {
    title: 'submission acknowledged with both deadlines',
    template: 'ticket-received',
    vars: {
      actor: null,
      holder: null,
      owner: null,
      data: { priority: 'P2', category: 'network', location: 'IH-2-301' },
    },
    expect: per(
      ['11月27日 16:10', '11月28日 00:00'],
      ['Nov 27, 2026', 'Nov 28, 2026'],
      ['无线网络连不上', '网络故障'],
    ),
  },
  {
    title: 'assigned by the rules names the technician',
    template: 'ticket-assigned',
    vars: { actor: null, holder: li, data: { to: li, rule: '3 eligible with skill network in zone east' } },
    expect: per(
      ['服务证', '11月27日 16:10'],
      ['service badge', 'Nov 27, 2026'],
      ['李工', 'NIC-0107', '网络与信息中心'],
    ),
    absent: both('3 eligible'),
  },
  {
    title: 'reassigned after acceptance does not promise the past response deadline',
    template: 'ticket-assigned',
    vars: { actor: null, holder: zhou, owner: wang, data: { to: zhou, rule: 'fewest open tickets' } },
    expect: per(['尽快与您联系'], ['contact you shortly'], ['周工', 'XW-0415']),
    absent: per(['16:10'], ['Nov 27, 2026']),
  },
  {
    title: 'staff assigned by the dispatch rules',
    template: 'staff-assigned',
    vars: { recipientName: '李工', actor: null, holder: li, data: { to: li, rule: 'fewest open tickets' } },
    expect: per(['派单规则', '11月27日 16:10'], ['dispatch rules', 'Nov 27, 2026'], ['无线网络连不上']),
  },
  {
    title: 'staff receiving a transfer sees who sent it and why',
    template: 'staff-assigned',
    vars: {
      recipientName: '李工',
      actor: staff(wang),
      holder: li,
      owner: wang,
      data: { from: wang, to: li, reason: '需要光纤熔接设备', owner: wang },
    },
    expect: per(['11月28日 00:00'], ['Nov 28, 2026'], ['王工', 'XW-0231', '需要光纤熔接设备']),
    absent: per(['前接单', '16:10'], ['Please accept', 'Nov 27, 2026']),
  },
  {
    title: 'dispatcher told why nobody was found',
    template: 'staff-queued',
    vars: {
      recipientName: '刘调度',
      actor: null,
      data: { reason: 'no technician with skill network covers zone east on duty now' },
    },
    expect: per(
      ['响应时限', '11月27日 16:10'],
      ['response clock', 'Nov 27, 2026'],
      ['no technician with skill network covers zone east on duty now', '无线网络连不上'],
    ),
  },
  {
    title: 'dispatcher queue after acceptance (transfer to a team with nobody on duty) has no response clock',
    template: 'staff-queued',
    vars: {
      recipientName: '刘调度',
      actor: null,
      holder: wang,
      owner: wang,
      data: { reason: 'no technician in team fiber-ops' },
    },
    expect: both('no technician in team fiber-ops'),
    absent: per(['响应时限'], ['response clock']),
  },
  {
    title: 'accepted by the owner',
    template: 'ticket-accepted',
    vars: { actor: staff(wang), holder: wang, owner: wang, data: { owner: wang } },
    expect: per(['首接负责人', '11月28日 00:00'], ['owner', 'Nov 28, 2026'], ['王工', 'XW-0231', '新路网络']),
  },
  {
    title: 'transferred to a named technician',
    template: 'ticket-transferred',
    vars: {
      actor: staff(wang),
      holder: li,
      owner: wang,
      data: { from: wang, to: li, reason: '需要光纤熔接设备', owner: wang },
    },
    expect: both('李工', 'NIC-0107', 'XW-0231', '需要光纤熔接设备'),
  },
  {
    title: 'transferred to a team hides the team code from the requester',
    template: 'ticket-transferred',
    vars: {
      actor: staff(wang),
      holder: null,
      owner: wang,
      data: { from: wang, toTeam: 'fiber-ops', reason: '需要熔接', owner: wang },
    },
    expect: per(['专业班组'], ['specialist team'], ['需要熔接', 'XW-0231']),
    absent: both('fiber-ops'),
  },
  {
    title: 'owner hears of a transfer made by someone else',
    template: 'staff-transferred-owner',
    vars: {
      recipientName: '王工',
      actor: staff(chen),
      holder: zhou,
      owner: wang,
      data: { from: li, to: zhou, reason: '李工今日休假', owner: wang },
    },
    expect: both('陈组长', 'NIC-0001', '周工', 'XW-0415', 'NIC-0107', '李工今日休假'),
  },
  {
    title: 'owner hears of a transfer to a team',
    template: 'staff-transferred-owner',
    vars: {
      recipientName: '王工',
      actor: staff(li),
      owner: wang,
      holder: null,
      data: { from: li, toTeam: 'fiber-ops', reason: '需要熔接', owner: wang },
    },
    expect: both('fiber-ops', '需要熔接', 'NIC-0107'),
  },
  {
    title: 'a note reaches the owner',
    template: 'staff-note',
    vars: { recipientName: '王工', actor: staff(li), data: { note: '已与用户约定明早 9 点上门' } },
    expect: per(['备注'], ['note'], ['已与用户约定明早 9 点上门', 'NIC-0107']),
  },
  {
    title: 'a pause reaches the owner through the note template',
    template: 'staff-note',
    vars: { recipientName: '王工', actor: staff(li), data: { reason: '等待更换交换机配件' } },
    expect: per(['暂停'], ['paused'], ['等待更换交换机配件', 'NIC-0107']),
  },
  {
    title: 'technician on site',
    template: 'ticket-on-site',
    vars: { actor: staff(li), holder: li, owner: wang, data: {} },
    expect: both('李工', 'NIC-0107', '2号楼 301'),
  },
  {
    title: 'paused with the reason',
    template: 'ticket-paused',
    vars: {
      actor: staff(wang),
      deadlines: { respond: null, resolve: null },
      data: { reason: '等待更换交换机配件' },
    },
    expect: both('等待更换交换机配件', 'XW-0231'),
  },
  {
    title: 'resumed with the new deadline',
    template: 'ticket-resumed',
    vars: { actor: staff(wang), data: { reason: '配件已到货', pausedMs: 3_600_000 } },
    expect: per(['11月28日 00:00'], ['Nov 28, 2026'], ['配件已到货', 'XW-0231']),
  },
  {
    title: 'resolved asks for confirmation',
    template: 'ticket-resolved',
    vars: { actor: staff(wang), data: { resolution: '更换了损坏的网线并重新配置端口', round: 1 } },
    expect: per(['请您确认', '1–5'], ['confirm', '1–5'], ['更换了损坏的网线并重新配置端口', 'XW-0231']),
  },
  {
    title: 'owner hears that a helper resolved it',
    template: 'staff-resolved-owner',
    vars: {
      recipientName: '王工',
      actor: staff(li),
      owner: wang,
      data: { resolution: '更换了损坏的网线并重新配置端口', round: 1 },
    },
    expect: both('更换了损坏的网线并重新配置端口', '李工', 'NIC-0107'),
  },
  {
    title: 'closed with a rating and a comment',
    template: 'ticket-closed',
    vars: { actor: requester, data: { rating: 4, comment: '响应很及时，谢谢！', round: 1 } },
    expect: per(['4 分'], ['4 out of 5'], ['响应很及时，谢谢！']),
  },
  {
    title: 'closed because the survey expired',
    template: 'ticket-closed',
    vars: { actor: null, data: { reason: 'survey_expired', round: 1, dueAt: RESOLVE_AT } },
    expect: per(['自动办结'], ['closed automatically']),
    absent: per(['您的评价', '您的留言'], ['Your rating', 'Your comment'], ['survey_expired']),
  },
  {
    title: 'owner sees the rating, without a comment line when there is none',
    template: 'staff-closed',
    vars: { recipientName: '王工', actor: requester, data: { rating: 5, comment: null, round: 1 } },
    expect: per(['5 分'], ['5 out of 5', 'rated 5/5']),
    absent: per(['留言'], ['comment']),
  },
  {
    title: 'owner hears of an unrated close',
    template: 'staff-closed',
    vars: {
      recipientName: '王工',
      actor: null,
      data: { reason: 'survey_expired', round: 1, dueAt: RESOLVE_AT },
    },
    expect: per(['自动结单', '无评价'], ['closed automatically', 'no rating']),
    absent: both('survey_expired'),
  },
  {
    title: 'reopened to the owner',
    template: 'ticket-reopened',
    vars: {
      actor: requester,
      holder: wang,
      owner: wang,
      data: { reason: '网络仍然时断时续', round: 1, reopenCount: 1, to: wang },
    },
    expect: per(['首接负责人'], ['owner'], ['网络仍然时断时续', '王工', 'XW-0231']),
  },
  {
    title: 'owner gets a reopened ticket back',
    template: 'staff-reopened',
    vars: {
      recipientName: '王工',
      actor: requester,
      data: { reason: '网络仍然时断时续', round: 1, reopenCount: 2, to: wang },
    },
    expect: per(['第 2 次', '11月28日 00:00'], ['reopened 2 time', 'Nov 28, 2026'], ['网络仍然时断时续']),
  },
  {
    title: 'cancelled by the requester without a reason',
    template: 'ticket-cancelled',
    vars: { actor: requester, data: { reason: null } },
    expect: per(['报修人要求'], ["requester's request"]),
    absent: per(['撤销原因'], ['Reason']),
  },
  {
    title: 'cancelled by a dispatcher with a reason',
    template: 'ticket-cancelled',
    vars: { actor: staff(chen), data: { reason: '重复报修，已合并至 R2026-000120' } },
    expect: both('陈组长', 'NIC-0001', '重复报修，已合并至 R2026-000120'),
  },
  {
    title: 'staff told the requester cancelled',
    template: 'staff-cancelled',
    vars: { recipientName: '王工', actor: requester, data: { reason: '问题已自行恢复' } },
    expect: per(['报修人张老师'], ['the requester, 张老师'], ['问题已自行恢复']),
  },
  {
    title: 'priority changed by a team lead',
    template: 'staff-priority',
    vars: {
      recipientName: '王工',
      actor: staff(chen),
      data: { from: 'P3', to: 'P1', reason: '校领导会议室，影响会议' },
    },
    expect: per(['由 P3 调整为 P1'], ['from P3 to P1'], ['校领导会议室，影响会议', 'NIC-0001']),
  },
  {
    title: 'priority raised by escalation',
    template: 'staff-priority',
    vars: { recipientName: '王工', actor: null, data: { from: 'P2', to: 'P1', reason: 'escalation' } },
    expect: per(['超时升级'], ['automatic escalation'], ['P1']),
    absent: per(['调整原因'], ['Reason']),
  },
  {
    title: 'resolve clock escalated to level 2 with a raised priority',
    template: 'staff-escalated',
    vars: {
      recipientName: '赵主任',
      actor: null,
      holder: wang,
      owner: wang,
      data: escalation('resolve', 2, ['raisePriority']),
    },
    expect: per(
      ['第 2 级', '办结时限', '上调', '11月28日 00:00'],
      ['level 2', 'resolution time limit', 'raising its priority', 'Nov 28, 2026'],
      ['XW-0231', 'P2'],
    ),
    absent: per(['重新派单'], ['dispatching it again']),
  },
  {
    title: 'respond clock escalated with nobody holding the ticket',
    template: 'staff-escalated',
    vars: {
      recipientName: '陈组长',
      actor: null,
      holder: null,
      owner: null,
      data: escalation('respond', 1, ['reassign']),
    },
    expect: per(
      ['第 1 级', '响应', '重新派单', '暂无'],
      ['level 1', 'response', 'dispatching it again', 'none'],
    ),
  },
  {
    title: 'requester told of an escalation',
    template: 'ticket-escalated',
    vars: { actor: null, data: escalation('respond', 1, []) },
    expect: per(['第 1 级', '得到响应', '11月27日 16:10'], ['level 1', 'responded to', 'Nov 27, 2026']),
  },
  {
    title: 'survey reminder names who resolved it',
    template: 'survey-reminder',
    vars: { actor: null, holder: li, owner: wang, data: { round: 1, dueAt: '2026-11-28T16:00:00Z' } },
    expect: per(['请您确认', '1–5'], ['confirm', '1–5'], ['李工', 'NIC-0107']),
  },
];

function varsFor(template: NotificationTemplate, overrides: Partial<NotificationVars>): NotificationVars {
  const toStaff = template.startsWith('staff-');
  return {
    recipientName: toStaff ? '赵主任' : '张老师',
    number: NUMBER,
    category: '网络故障',
    place: '2号楼 301',
    description: '无线网络连不上，有线也时断时续',
    actor: null,
    holder: wang,
    owner: null,
    data: {},
    deadlines: { respond: RESPOND_AT, resolve: RESOLVE_AT },
    url: toStaff ? STAFF_URL : TRACKING_URL,
    ...overrides,
  };
}

/** What a plain-text message must never show: leaked JS values, empty staff brackets, doubled spaces. */
const BROKEN_OUTPUT: readonly RegExp[] = [
  /undefined/,
  /null/,
  /NaN/,
  /\[object Object\]/,
  /\{\{|\}\}/,
  /工号 +[，）]/,
  /badge +[,)]/,
  /（）|\(\)/,
  /[^\S\n]{2,}/,
  /[ \t]+$/m,
];

function expectWellFormed(message: RenderedMessage, vars: NotificationVars): void {
  const text = `${message.subject}\n${message.body}`;
  expect(message.subject).not.toBe('');
  expect(message.subject).not.toContain('\n');
  expect(message.subject).toContain(vars.number);
  expect(message.body).toContain(vars.number);
  expect(message.body).toContain(vars.url);
  expect(message.body).toContain(vars.recipientName);
  for (const pattern of BROKEN_OUTPUT) expect(text).not.toMatch(pattern);
  expectNoDanglingLabels(message.body);
}

/** A line ending in a colon announces what follows on the next line (a link, a note), which must be there. */
function expectNoDanglingLabels(body: string): void {
  const lines = body.split('\n');
  lines.forEach((line, i) => {
    if (/[:：]$/.test(line)) expect(lines[i + 1]?.trim()).toBeTruthy();
  });
}

describe('notification templates', () => {
  describe.each(LANGS)('in %s', (lang) => {
    test.each(CASES.map((c) => [`${c.template}: ${c.title}`, c] as const))(
      'when %s is rendered, then it is complete and names what happened',
      (_name, c) => {
        const vars = varsFor(c.template, c.vars);
        const message = render(c.template, lang, vars);
        expectWellFormed(message, vars);
        const text = `${message.subject}\n${message.body}`;
        for (const wanted of c.expect[lang]) expect(text).toContain(wanted);
        for (const unwanted of c.absent?.[lang] ?? []) expect(text).not.toContain(unwanted);
      },
    );

    test.each(CASES.map((c) => [`${c.template}: ${c.title}`, c] as const))(
      'when %s has no actor, holder, owner or deadlines, then nothing dangles',
      (_name, c) => {
        const vars = varsFor(c.template, {
          ...c.vars,
          actor: null,
          holder: null,
          owner: null,
          deadlines: { respond: null, resolve: null },
        });
        expectWellFormed(render(c.template, lang, vars), vars);
      },
    );
  });

  test('when the cases are listed, then every template has at least one', () => {
    const covered = new Set(CASES.map((c) => c.template));
    expect(NOTIFICATION_TEMPLATES.filter((name) => !covered.has(name))).toEqual([]);
  });

  test.each(LANGS)(
    'when a %s message names someone, then the name appears verbatim (plain text, no HTML escaping)',
    (lang) => {
      const odd = `<script>alert("x")</script> O'Brien & Sons`;
      const vars = varsFor('ticket-accepted', {
        recipientName: odd,
        actor: {
          kind: 'staff',
          username: 'obrien',
          name: "Seán O'Brien",
          badge: 'XW-0999',
          unit: 'A&B <Net>',
        },
        data: {},
      });
      const { body } = render('ticket-accepted', lang, vars);
      expect(body).toContain(odd);
      expect(body).toContain("Seán O'Brien");
      expect(body).toContain('A&B <Net>');
      expect(body).not.toMatch(/&lt;|&gt;|&#x27;|&amp;|&quot;/);
    },
  );

  test('when the template folder is listed, then each language holds exactly the known templates', () => {
    const langs = readdirSync(TEMPLATE_DIR).sort();
    expect(langs).toEqual([...LANGS].sort());
    const expected = NOTIFICATION_TEMPLATES.map((name) => `${name}.hbs`).sort();
    for (const lang of langs) expect(readdirSync(path.join(TEMPLATE_DIR, lang)).sort()).toEqual(expected);
  });
});
