/**
 * Dispatch rules: who takes a ticket.
 *
 * Eligible technicians are active, have the category's skill, cover the location's zone, are on
 * duty now and were not excluded (e.g. they declined this ticket). Among them the one with the
 * fewest open tickets wins; ties go round-robin to the one assigned least recently (never first),
 * then by username, so the same input always gives the same answer.
 *
 * Deterministic and sandbox-safe for Temporal workflows: no clock reads and no I/O; the only
 * platform service used is `Intl.DateTimeFormat` for local wall-clock time (`time-zone.ts`).
 */
import { localSecondOfDay, localWeekday } from './time-zone';

/** A weekly shift in the roster's time zone. `ends <= starts` means it runs past midnight into the next day. */
export interface Shift {
  /** ISO weekday the shift starts on: 1 = Monday .. 7 = Sunday. */
  weekday: number;
  /** `"HH:MM"` (a trailing `":SS"`, as PostgreSQL prints `time`, is accepted). */
  starts: string;
  /** `"HH:MM"`; `"24:00"` is the end of the day; `"00:00"`-`"00:00"` is the whole day. */
  ends: string;
}

export interface Candidate {
  username: string;
  teamCode: string | null;
  skills: string[];
  /** Zones covered; `"*"` covers every zone. */
  zones: string[];
  shifts: Shift[];
  openTickets: number;
  lastAssignedAtMs: number | null;
  active: boolean;
}

export interface DispatchCriteria {
  skill: string;
  zone: string;
  atMs: number;
  /** IANA time zone the shifts are written in, e.g. `"Asia/Shanghai"`. */
  timezone: string;
  /** Usernames never to choose (decliners, the current holder). */
  exclude?: string[];
  /** Only members of this team (a transfer to a team); absent or null means any team. */
  team?: string | null;
}

export interface DispatchInput extends DispatchCriteria {
  candidates: Candidate[];
}

export interface DispatchResult {
  chosen: Candidate | null;
  /** Why this technician, or why nobody: recorded on the ticket's event. */
  reason: string;
}

export type IneligibleReason =
  'inactive' | 'excluded' | 'other-team' | 'lacks-skill' | 'zone-not-covered' | 'off-duty';

export interface Eligibility {
  eligible: boolean;
  /** Every rule the candidate fails, in the order they are checked; empty when eligible. */
  reasons: IneligibleReason[];
}

const SECONDS_PER_DAY = 24 * 60 * 60;

/** Picks the assignee for a ticket, or nobody (the dispatcher queue) with the reason. */
export function chooseAssignee(input: DispatchInput): DispatchResult {
  const eligible = input.candidates.filter((candidate) => explainEligibility(candidate, input).eligible);
  if (eligible.length === 0) {
    return { chosen: null, reason: nobodyReason(input) };
  }
  const ranked = [...eligible].sort(compareForDispatch);
  const chosen = ranked[0];
  return { chosen, reason: chosenReason(chosen, ranked, input) };
}

/** Which dispatch rules a candidate passes for a ticket, and which it fails. */
export function explainEligibility(candidate: Candidate, criteria: DispatchCriteria): Eligibility {
  const checks: ReadonlyArray<[IneligibleReason, boolean]> = [
    ['inactive', candidate.active],
    ['excluded', !(criteria.exclude ?? []).includes(candidate.username)],
    ['other-team', criteria.team == null || candidate.teamCode === criteria.team],
    ['lacks-skill', candidate.skills.includes(criteria.skill)],
    ['zone-not-covered', coversZone(candidate.zones, criteria.zone)],
    ['off-duty', isOnDuty(candidate.shifts, criteria.atMs, criteria.timezone)],
  ];
  const reasons = checks.filter(([, passes]) => !passes).map(([reason]) => reason);
  return { eligible: reasons.length === 0, reasons };
}

/** Whether any shift covers instant `atMs`, read as wall-clock time in `timezone`. */
export function isOnDuty(shifts: readonly Shift[], atMs: number, timezone: string): boolean {
  if (!Number.isFinite(atMs)) {
    throw new RangeError(`atMs must be a finite epoch-millisecond instant, got ${atMs}`);
  }
  const now = localWallClock(atMs, timezone);
  return shifts.some((shift) => shiftCovers(shift, now));
}

/** Orders candidates best first: fewest open tickets, then least recently assigned (never first), then username. */
export function compareForDispatch(a: Candidate, b: Candidate): number {
  return (
    a.openTickets - b.openTickets ||
    compareLastAssigned(a.lastAssignedAtMs, b.lastAssignedAtMs) ||
    compareStrings(a.username, b.username)
  );
}

function coversZone(zones: readonly string[], zone: string): boolean {
  return zones.includes('*') || zones.includes(zone);
}

interface WallClock {
  weekday: number;
  secondOfDay: number;
}

function shiftCovers(shift: Shift, now: WallClock): boolean {
  const starts = secondOfDay(shift.starts);
  const ends = secondOfDay(shift.ends);
  const startsToday = shift.weekday === now.weekday;
  if (starts < ends) {
    return startsToday && starts <= now.secondOfDay && now.secondOfDay < ends;
  }
  const startedYesterday = nextWeekday(shift.weekday) === now.weekday;
  return (startsToday && now.secondOfDay >= starts) || (startedYesterday && now.secondOfDay < ends);
}

function nextWeekday(weekday: number): number {
  return (weekday % 7) + 1;
}

/** Seconds since local midnight of `"HH:MM"` or `"HH:MM:SS"` (`"24:00"` is the end of the day). */
function secondOfDay(time: string): number {
  const match = /^(\d{2}):([0-5]\d)(?::([0-5]\d))?$/.exec(time);
  const seconds = match && Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
  if (seconds === null || seconds > SECONDS_PER_DAY) {
    throw new RangeError(`${JSON.stringify(time)} is not a shift time like "08:00"`);
  }
  return seconds;
}

function localWallClock(atMs: number, timezone: string): WallClock {
  return { weekday: localWeekday(atMs, timezone), secondOfDay: localSecondOfDay(atMs, timezone) };
}

function compareLastAssigned(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

/** Code-unit order, independent of the runtime's locale data. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function nobodyReason(input: DispatchInput): string {
  const team = input.team == null ? '' : ` in team ${input.team}`;
  const excluded = input.exclude?.length ? ` (excluded: ${input.exclude.join(', ')})` : '';
  return `no technician${team} with skill ${input.skill} covers zone ${input.zone} on duty now${excluded}`;
}

function chosenReason(chosen: Candidate, ranked: readonly Candidate[], input: DispatchCriteria): string {
  const tied = ranked.filter((candidate) => candidate.openTickets === chosen.openTickets).length;
  const rule =
    tied > 1
      ? `fewest open tickets (${chosen.openTickets}), tied with ${tied - 1} more: least recently assigned`
      : `fewest open tickets (${chosen.openTickets})`;
  return `${ranked.length} eligible with skill ${input.skill} in zone ${input.zone}; ${chosen.username} has ${rule}`;
}
