import { technician, testPolicy, ticketInput } from '../test/workflows/fixtures';
import { AUTHZ_MATRIX, decide, ROLES, type OperationId, type Role } from './authz';
import { openTicket } from './ticket-machine';
import { refuse, type TicketCommand, type TicketCommandType } from './ticket-rules';
import { TICKET_STATUSES, type Actor, type TicketState } from './ticket-types';

const STATUSES = TICKET_STATUSES;
const priorities = Object.keys(testPolicy.priorities);

const COMMANDS: TicketCommand[] = [
  { type: 'accept' },
  { type: 'decline', reason: 'r' },
  { type: 'transfer', to: { kind: 'team', team: 'onsite' }, reason: 'r' },
  { type: 'note', note: 'n' },
  { type: 'on_site' },
  { type: 'pause', reason: 'r' },
  { type: 'resume', reason: 'r' },
  { type: 'resolve', resolution: 'done' },
  { type: 'confirm', rating: 5, comment: null },
  { type: 'reject', reason: 'r' },
  { type: 'cancel', reason: 'r' },
  { type: 'priority', priority: 'P1', reason: 'r' },
];

function actorFor(role: Role): Actor {
  if (role === 'requester') return { kind: 'requester', name: '张老师' };
  return { ...technician(`u-${role}`), roles: [role] };
}

/**
 * Every status, with the actor as holder and owner when their role can hold tickets (dispatch and
 * transfer pick only technicians and team leads), else held by a technician of the actor's team.
 */
function statesFor(actor: Actor): TicketState[] {
  const base = openTicket(ticketInput('R2026-000001')).state;
  const canHold = actor.kind === 'staff' && actor.roles.some((r) => r === 'technician' || r === 'team_lead');
  const holder = canHold && actor.kind === 'staff' ? actor : technician('someone-else');
  return STATUSES.map((status) => ({
    ...base,
    status,
    priority: 'P3',
    assignee: holder,
    owner: holder,
    team: 'net',
  }));
}

const opOf = (type: TicketCommandType): OperationId => `tickets.${type}`;

describe('the matrix and the lifecycle rules agree on lifecycle actions', () => {
  test.each(COMMANDS.map((c) => [c.type, c] as const))(
    'when the matrix denies a role %s, then no ticket state lets that role do it; when it allows, some state does',
    (type, command) => {
      for (const role of ROLES) {
        const actor = actorFor(role);
        const allowedSomewhere = statesFor(actor).some(
          (state) => refuse(state, command, actor, priorities) === null,
        );
        const principal =
          role === 'requester'
            ? { signedIn: false, roles: [], scopes: null, tracking: true }
            : { signedIn: true, roles: [role], scopes: null, tracking: false };
        const byMatrix = decide(opOf(type), principal) === 'allow';
        expect({ type, role, byMatrix }).toEqual({ type, role, byMatrix: allowedSomewhere });
      }
    },
  );

  test('when an operation is listed, then its path is unique for its method', () => {
    const keys = Object.values(AUTHZ_MATRIX).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
