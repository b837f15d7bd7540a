import { isEnded, UNRESOLVED } from '../../domain/ticket-status';
import type { TicketStatus } from '../../domain/ticket-types';
import { sleep } from '../lib/stats';

/** One ticket's planned path through its lifecycle; every path ends closed or cancelled. */
export type Scenario =
  'plain' | 'escalation' | 'pause' | 'transfer' | 'decline' | 'reopen' | 'expire' | 'cancel';

export const SCENARIOS: readonly Scenario[] = [
  'plain',
  'escalation',
  'pause',
  'transfer',
  'decline',
  'reopen',
  'expire',
  'cancel',
];

interface Receipt {
  number: string;
  trackingToken: string;
}

interface TicketBody {
  status: TicketStatus;
  assignee: { username: string } | null;
  events: { seq: number; type: string }[];
}

type Actor = 'holder' | 'requester' | 'dispatcher';

/** A step is done once the ticket has `count` events of type `event`; until then `action` is tried. */
interface Step {
  action: string | null;
  event: string;
  count: number;
  by: Actor;
  body?: (ticket: TicketBody) => Record<string, unknown>;
  /** Statuses in which the action can be tried; in others the driver waits. */
  when: readonly TicketStatus[];
}

const step = (
  action: string | null,
  event: string,
  count: number,
  by: Actor,
  when: readonly TicketStatus[],
  body?: Step['body'],
): Step => ({
  action,
  event,
  count,
  by,
  when,
  body,
});

const accept = step('accept', 'accepted', 1, 'holder', ['assigned', 'submitted']);
const resolve = (n: number) =>
  step('resolve', 'resolved', n, 'holder', ['in_progress'], () => ({ resolution: '已修复（chaos）' }));
const confirm = step('confirm', 'confirmed', 1, 'requester', ['resolved'], () => ({ rating: 4 }));

const PLANS: Record<Scenario, Step[]> = {
  plain: [accept, resolve(1), confirm],
  escalation: [step(null, 'escalated', 1, 'holder', []), accept, resolve(1), confirm],
  pause: [
    accept,
    step('pause', 'paused', 1, 'holder', ['in_progress'], () => ({ reason: '等待配件' })),
    step('resume', 'resumed', 1, 'holder', ['paused'], () => ({ reason: '配件到货' })),
    resolve(1),
    confirm,
  ],
  transfer: [
    accept,
    step('transfer', 'transferred', 1, 'holder', ['in_progress'], (t) => ({
      to: t.assignee?.username === 'tech1' ? 'tech2' : 'tech1',
      reason: '转交同事',
    })),
    resolve(1),
    confirm,
  ],
  decline: [
    step('decline', 'declined', 1, 'holder', ['assigned'], () => ({ reason: '不在本区域' })),
    accept,
    resolve(1),
    confirm,
  ],
  reopen: [
    accept,
    resolve(1),
    step('reject', 'rejected', 1, 'requester', ['resolved'], () => ({ reason: '还是连不上' })),
    resolve(2),
    confirm,
  ],
  expire: [accept, resolve(1), step(null, 'closed', 1, 'holder', [])],
  cancel: [step('cancel', 'cancelled', 1, 'requester', UNRESOLVED, () => ({}))],
};

export interface DriverOptions {
  baseUrl: string;
  /** Bearer tokens of the dispatcher and every technician, by username. */
  tokens: Record<string, string>;
  runId: string;
  /** A ticket not finished by then is given up. */
  deadlineMs: number;
}

export interface TicketOutcome {
  index: number;
  scenario: Scenario;
  number: string | null;
  status: string;
  /** HTTP calls that failed (network, 5xx, timeouts, refusals) and were retried. */
  retries: number;
  error?: string;
}

/** Drives one ticket over HTTP through its scenario, retrying through crashes and restarts; never throws. */
export async function driveTicket(
  opts: DriverOptions,
  index: number,
  scenario: Scenario,
): Promise<TicketOutcome> {
  const outcome: TicketOutcome = { index, scenario, number: null, status: 'unsubmitted', retries: 0 };
  const call = async <T>(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; body: T } | null> => {
    try {
      const res = await fetch(`${opts.baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    } catch {
      return null;
    }
  };
  const backoff = async () => {
    outcome.retries += 1;
    await sleep(300 + Math.random() * 700);
  };
  try {
    const dispatcher = { authorization: `Bearer ${opts.tokens.disp1}` };
    let receipt: Receipt | undefined;
    while (!receipt) {
      if (Date.now() > opts.deadlineMs) throw new Error('not submitted in time');
      const res = await call<Receipt>(
        'POST',
        '/api/tickets',
        { ...(scenario === 'escalation' ? dispatcher : {}), 'idempotency-key': `${opts.runId}-${index}` },
        {
          locationCode: 'IH-2-301',
          category: 'network',
          description: `chaos ${scenario} #${index}`,
          requester: { name: '混沌同学' },
          ...(scenario === 'escalation' ? { priority: 'P1' } : {}),
        },
      );
      if (res && (res.status === 201 || res.status === 200)) receipt = res.body;
      else await backoff();
    }
    outcome.number = receipt.number;
    const path = `/api/tickets/${receipt.number}`;
    const requester = { 'x-tracking-token': receipt.trackingToken };
    for (const s of PLANS[scenario]) {
      for (;;) {
        if (Date.now() > opts.deadlineMs) throw new Error(`stuck before ${s.event} #${s.count}`);
        const got = await call<TicketBody>('GET', path, dispatcher);
        if (!got || got.status !== 200) {
          await backoff();
          continue;
        }
        const ticket = got.body;
        outcome.status = ticket.status;
        if (ticket.events.filter((e) => e.type === s.event).length >= s.count) break;
        if (isEnded(ticket.status)) return outcome;
        if (!s.action || !s.when.includes(ticket.status)) {
          await sleep(500);
          continue;
        }
        const holder = ticket.assignee?.username ?? 'tech1';
        const headers =
          s.by === 'requester'
            ? requester
            : { authorization: `Bearer ${opts.tokens[s.by === 'dispatcher' ? 'disp1' : holder]}` };
        const res = await call('POST', `${path}/${s.action}`, headers, s.body?.(ticket) ?? {});
        if (!res || res.status !== 200) await backoff();
      }
    }
    for (;;) {
      const got = await call<TicketBody>('GET', path, dispatcher);
      if (got?.status === 200) {
        outcome.status = got.body.status;
        if (isEnded(got.body.status)) return outcome;
      }
      if (Date.now() > opts.deadlineMs) throw new Error('never reached an end');
      await sleep(500);
    }
  } catch (err) {
    outcome.error = err instanceof Error ? err.message : String(err);
    return outcome;
  }
}

/** Logs in every account the driver acts as; retried, since the API may be restarting. */
export async function loginAll(baseUrl: string, password: string): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const username of ['disp1', 'lead1', 'tech1', 'tech2', 'tech3', 'tech4', 'tech5', 'tech6']) {
    for (let attempt = 0; !tokens[username]; attempt++) {
      const res = await fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      }).catch(() => null);
      if (res?.status === 200) tokens[username] = ((await res.json()) as { token: string }).token;
      else if (attempt > 50) throw new Error(`cannot log in as ${username}`);
      else await sleep(500);
    }
  }
  return tokens;
}
