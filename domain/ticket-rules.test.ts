import { openingStep } from './ticket-machine';
import { AWAITING_ACCEPT } from './ticket-status';
import { allowedCommands, refuse, type TicketCommand, type TicketCommandType } from './ticket-rules';
import {
  TICKET_STATUSES,
  type Actor,
  type StaffActor,
  type StaffRole,
  type TicketState,
  type TicketStatus,
} from './ticket-types';
import { parseSlaPolicy } from './sla-policy';

const policy = parseSlaPolicy({
  calendar: { timezone: 'Asia/Shanghai', workdays: [1, 2, 3, 4, 5], hours: ['08:00', '18:00'], holidays: [] },
  priorities: {
    P1: { respond: '10m', resolve: '4h', clock: '24x7' },
    P3: { respond: '2h', resolve: '3d', clock: 'business' },
  },
  defaultPriority: 'P3',
  escalation: { respond: [], resolve: [] },
  survey: { remindAfter: '1d', expireAfter: '3d' },
});
const PRIORITIES = ['P1', 'P3'];

function staff(username: string, teamCode: string | null, roles: StaffRole[]): StaffActor {
  return {
    kind: 'staff',
    username,
    name: username,
    badge: username,
    unit: 'u',
    unitCode: 'u',
    teamCode,
    roles,
  };
}

const ACTORS = {
  requester: { kind: 'requester', name: '张老师' } as Actor,
  holder: staff('tech1', 'net', ['technician']),
  otherTech: staff('tech2', 'onsite', ['technician']),
  leadOfTeam: staff('lead1', 'net', ['team_lead', 'technician']),
  otherLead: staff('lead2', 'onsite', ['team_lead', 'technician']),
  dispatcher: staff('disp1', 'net', ['dispatcher']),
  manager: staff('manager', null, ['manager']),
};
type ActorName = keyof typeof ACTORS;

const STATUSES = TICKET_STATUSES;

/** A P3 ticket in `status`: unassigned while submitted, held by tech1 from then on, owned by tech1 once accepted. */
function ticketIn(status: TicketStatus): TicketState {
  const { state } = openingStep({
    number: 'R2026-000001',
    submittedAt: '2026-11-23T01:00:00Z',
    location: {
      code: 'L',
      campus: 'c',
      building: 'b',
      floor: null,
      room: null,
      zone: 'north',
      kind: 'office',
    },
    category: { code: 'network', name: '网络', nameEn: 'Network', skill: 'network' },
    description: 'd',
    requester: { name: '张老师', lang: 'zh-CN' },
    priority: 'P3',
    policy,
  });
  const { kind: _kind, roles: _roles, ...ref } = ACTORS.holder;
  if (status !== 'submitted') state.assignee = ref;
  if (!AWAITING_ACCEPT.includes(status)) state.owner = ref;
  state.status = status;
  return state;
}

const COMMANDS: Record<TicketCommandType, TicketCommand> = {
  accept: { type: 'accept' },
  decline: { type: 'decline', reason: '不在本区域' },
  transfer: { type: 'transfer', to: { kind: 'team', team: 'onsite' }, reason: '转现场组' },
  note: { type: 'note', note: '已电话联系' },
  on_site: { type: 'on_site' },
  pause: { type: 'pause', reason: '等配件' },
  resume: { type: 'resume', reason: '配件到了' },
  resolve: { type: 'resolve', resolution: '已修复' },
  confirm: { type: 'confirm', rating: 5, comment: null },
  reject: { type: 'reject', reason: '没修好' },
  cancel: { type: 'cancel', reason: '重复报修' },
  priority: { type: 'priority', priority: 'P1', reason: '紧急' },
};

/**
 * The permission table: one character per status, in the order
 * submitted, assigned, in_progress, paused, resolved, closed, cancelled.
 * `+` allowed, `F` forbidden (403), `C` conflict (409).
 */
const TABLE: Record<TicketCommandType, Record<ActorName, string>> = {
  accept: {
    requester: 'FFFFFFF',
    holder: '++CCCCC',
    otherTech: '+FCCCCC',
    leadOfTeam: '+FCCCCC',
    otherLead: '+FCCCCC',
    dispatcher: 'FFFFFFF',
    manager: 'FFFFFFF',
  },
  decline: {
    requester: 'FFFFFFF',
    holder: 'F+CCCCC',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FFFFFFF',
    otherLead: 'FFFFFFF',
    dispatcher: 'FFFFFFF',
    manager: 'FFFFFFF',
  },
  transfer: {
    requester: 'FFFFFFF',
    holder: 'F+++CCC',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'F+++CCC',
    otherLead: 'FFFFFFF',
    dispatcher: '++++CCC',
    manager: '++++CCC',
  },
  note: {
    requester: 'FFFFFFF',
    holder: '+++++CC',
    otherTech: '+++++CC',
    leadOfTeam: '+++++CC',
    otherLead: '+++++CC',
    dispatcher: '+++++CC',
    manager: '+++++CC',
  },
  on_site: {
    requester: 'FFFFFFF',
    holder: 'FC+CCCC',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FFFFFFF',
    otherLead: 'FFFFFFF',
    dispatcher: 'FFFFFFF',
    manager: 'FFFFFFF',
  },
  pause: {
    requester: 'FFFFFFF',
    holder: 'FC+CCCC',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FC+CCCC',
    otherLead: 'FFFFFFF',
    dispatcher: 'CC+CCCC',
    manager: 'CC+CCCC',
  },
  resume: {
    requester: 'FFFFFFF',
    holder: 'FCC+CCC',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FCC+CCC',
    otherLead: 'FFFFFFF',
    dispatcher: 'CCC+CCC',
    manager: 'CCC+CCC',
  },
  resolve: {
    requester: 'FFFFFFF',
    holder: 'FC++CCC',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FFFFFFF',
    otherLead: 'FFFFFFF',
    dispatcher: 'FFFFFFF',
    manager: 'FFFFFFF',
  },
  confirm: {
    requester: 'CCCC+CC',
    holder: 'FFFFFFF',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FFFFFFF',
    otherLead: 'FFFFFFF',
    dispatcher: 'FFFFFFF',
    manager: 'FFFFFFF',
  },
  reject: {
    requester: 'CCCC+CC',
    holder: 'FFFFFFF',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FFFFFFF',
    otherLead: 'FFFFFFF',
    dispatcher: 'FFFFFFF',
    manager: 'FFFFFFF',
  },
  cancel: {
    requester: '++++CCC',
    holder: 'FFFFFFF',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'FFFFFFF',
    otherLead: 'FFFFFFF',
    dispatcher: '++++CCC',
    manager: '++++CCC',
  },
  priority: {
    requester: 'FFFFFFF',
    holder: 'FFFFFFF',
    otherTech: 'FFFFFFF',
    leadOfTeam: 'F+++CCC',
    otherLead: 'FFFFFFF',
    dispatcher: '++++CCC',
    manager: '++++CCC',
  },
};

const CODE = { forbidden: 'F', conflict: 'C', invalid: 'I' } as const;

const cells = Object.entries(TABLE).flatMap(([command, row]) =>
  Object.entries(row).flatMap(([actor, line]) =>
    STATUSES.map((status, i) => [command as TicketCommandType, actor as ActorName, status, line[i]] as const),
  ),
);

describe('ticket rules: who may do what in which state', () => {
  test.each(cells)(
    'when %s is asked by %s on a %s ticket, then the answer is %s',
    (command, actor, status, want) => {
      const refusal = refuse(ticketIn(status), COMMANDS[command], ACTORS[actor], PRIORITIES);
      expect(refusal ? CODE[refusal.code] : '+').toBe(want);
    },
  );

  test('when the table is listed, then it covers every command for every actor kind', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(COMMANDS).sort());
    expect(cells).toHaveLength(12 * 7 * 7);
  });

  test('when allowedCommands is asked, then it lists exactly the allowed cells of the table', () => {
    for (const status of STATUSES) {
      for (const actor of Object.keys(ACTORS) as ActorName[]) {
        const expected = (Object.keys(TABLE) as TicketCommandType[]).filter(
          (command) => TABLE[command][actor][STATUSES.indexOf(status)] === '+',
        );
        expect([status, actor, allowedCommands(ticketIn(status), ACTORS[actor], PRIORITIES)]).toEqual([
          status,
          actor,
          expected,
        ]);
      }
    }
  });
});

describe('ticket rules: input that is invalid or pointless', () => {
  const inProgress = ticketIn('in_progress');
  const resolved = ticketIn('resolved');

  test.each([
    ['decline without a reason', ticketIn('assigned'), { type: 'decline', reason: ' ' }, ACTORS.holder],
    ['pause without a reason', inProgress, { type: 'pause', reason: '' }, ACTORS.holder],
    ['resolve without a note', inProgress, { type: 'resolve', resolution: '' }, ACTORS.holder],
    ['a rating of 0', resolved, { type: 'confirm', rating: 0, comment: null }, ACTORS.requester],
    ['a rating of 4.5', resolved, { type: 'confirm', rating: 4.5, comment: null }, ACTORS.requester],
    ['reject without a reason', resolved, { type: 'reject', reason: '' }, ACTORS.requester],
    [
      'a dispatcher cancelling without a reason',
      inProgress,
      { type: 'cancel', reason: null },
      ACTORS.dispatcher,
    ],
    ['an unknown priority', inProgress, { type: 'priority', priority: 'P7', reason: 'x' }, ACTORS.dispatcher],
    [
      'a transfer without a reason',
      inProgress,
      { type: 'transfer', to: { kind: 'team', team: 'x' }, reason: '' },
      ACTORS.holder,
    ],
  ] as [string, TicketState, TicketCommand, Actor][])(
    'when %s is sent, then it is invalid',
    (_, state, command, actor) => {
      expect(refuse(state, command, actor, PRIORITIES)?.code).toBe('invalid');
    },
  );

  test('when the requester cancels without a reason, then it is allowed', () => {
    expect(refuse(inProgress, { type: 'cancel', reason: null }, ACTORS.requester, PRIORITIES)).toBeNull();
  });

  test('when the priority is set to the one the ticket has, then it is a conflict', () => {
    const refusal = refuse(
      inProgress,
      { type: 'priority', priority: 'P3', reason: 'x' },
      ACTORS.dispatcher,
      PRIORITIES,
    );
    expect(refusal).toEqual({ code: 'conflict', message: 'The ticket is already P3.' });
  });

  test('when a ticket is transferred to the technician who already holds it, then it is a conflict', () => {
    const { kind: _kind, roles: _roles, ...holder } = ACTORS.holder;
    const command: TicketCommand = { type: 'transfer', to: { kind: 'staff', staff: holder }, reason: 'x' };
    expect(refuse(inProgress, command, ACTORS.dispatcher, PRIORITIES)?.code).toBe('conflict');
  });

  test('when a team lead acts on a ticket only transferred to their team, then they have desk authority over it', () => {
    const state = { ...ticketIn('in_progress'), team: 'onsite' };
    const command: TicketCommand = { type: 'priority', priority: 'P1', reason: '紧急' };
    expect(refuse(state, command, ACTORS.otherLead, PRIORITIES)).toBeNull();
  });
});
