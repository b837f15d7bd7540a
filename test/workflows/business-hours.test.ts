import { parseSlaPolicy } from '../../domain/sla-policy';
import { localDate, localWeekday, zonedTime } from '../../domain/sla-clock';
import { technician, testPolicy, testPolicyFile } from './fixtures';
import { DAY, iso, MINUTE, useWorkflowLab, type WorkflowLab } from './harness';

const tech1 = technician('tech1');
const TZ = 'Asia/Shanghai';
const lab = useWorkflowLab('B');

/** The next local `hhmm` on ISO `weekday` in Shanghai that is still ahead of the test server's clock. */
async function nextLocal(weekday: number, hhmm: string, from: WorkflowLab): Promise<number> {
  const now = await from.now();
  for (let day = 0; day < 14; day += 1) {
    const date = localDate(now + day * DAY, TZ);
    const at = zonedTime(date, hhmm, TZ);
    if (localWeekday(at, TZ) === weekday && at > now + MINUTE) return at;
  }
  throw new Error('no such day within two weeks');
}

const local = (date: string, hhmm: string) => zonedTime(date, hhmm, TZ);

describe('business-hours deadlines (time-skipping)', () => {
  test('when a P2 ticket arrives on Friday at 17:50, then its deadlines fall on Monday morning and the ladder counts from there', async () => {
    const friday = await nextLocal(5, '17:50', lab());
    await lab().sleepUntil(friday);
    const ticket = await lab().start({
      policy: testPolicy,
      priority: 'P2',
      assignees: [tech1],
      submittedAtMs: friday,
    });
    const monday = localDate(friday + 3 * DAY, TZ);
    const respond = local(monday, '08:20');
    expect((await ticket.snapshot()).view.deadlines).toEqual({
      respond: iso(respond),
      resolve: iso(local(monday, '15:50')),
    });
    await lab().sleepUntil(respond - MINUTE);
    await ticket.waitFor(() => true);
    expect(ticket.eventsOf('escalated')).toEqual([]);
    // Escalation `after` is wall-clock time past the deadline: level 2 comes 30 minutes after 08:20.
    await lab().sleepUntil(respond + 31 * MINUTE);
    await ticket.waitFor((s) => s.escalation.respond === 2);
    expect(ticket.eventsOf('escalated').map((e) => [e.data.level, e.data.deadline, e.data.dueAt])).toEqual([
      [1, iso(respond), iso(respond)],
      [2, iso(respond), iso(respond + 30 * MINUTE)],
    ]);
  });

  test('when the Monday after the weekend is a holiday, then the deadlines move on to Tuesday', async () => {
    const friday = await nextLocal(5, '17:50', lab());
    const monday = localDate(friday + 3 * DAY, TZ);
    const tuesday = localDate(friday + 4 * DAY, TZ);
    const policy = parseSlaPolicy({
      ...testPolicyFile(),
      calendar: { ...testPolicyFile().calendar, holidays: [monday] },
    });
    await lab().sleepUntil(friday);
    const ticket = await lab().start({ policy, priority: 'P2', assignees: [tech1], submittedAtMs: friday });
    expect((await ticket.snapshot()).view.deadlines).toEqual({
      respond: iso(local(tuesday, '08:20')),
      resolve: iso(local(tuesday, '15:50')),
    });
    await lab().sleepUntil(local(monday, '17:00'));
    await ticket.waitFor(() => true);
    expect(ticket.eventsOf('escalated')).toEqual([]);
  });

  test('when a business-hours ticket is paused over the weekend, then only the working time before the pause is used', async () => {
    const friday = await nextLocal(5, '17:50', lab());
    await lab().sleepUntil(friday);
    const ticket = await lab().start({
      policy: testPolicy,
      priority: 'P2',
      assignees: [tech1],
      submittedAtMs: friday,
    });
    await ticket.act(tech1, { type: 'accept' });
    await lab().sleepUntil(friday + 5 * MINUTE);
    await ticket.act(tech1, { type: 'pause', reason: '等待用户周一在办公室' });
    const monday = localDate(friday + 3 * DAY, TZ);
    await lab().sleepUntil(local(monday, '09:00'));
    const resumed = await ticket.act(tech1, { type: 'resume', reason: '用户已到' });
    const pausedAt = Date.parse(ticket.eventsOf('paused')[0].at);
    const resumedAt = Date.parse(ticket.eventsOf('resumed')[0].at);
    const used = pausedAt - ticket.submittedAtMs;
    expect(resumed.state.resolveClock).toEqual({ usedMs: used, runningSinceMs: resumedAt });
    expect(resumed.view.deadlines.resolve).toBe(iso(resumedAt + 8 * 60 * MINUTE - used));
  });
});
