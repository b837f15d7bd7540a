import { allDayPolicy, requester, technician } from './fixtures';
import { DAY, HOUR, iso, useWorkflowLab, type TicketProbe } from './harness';

const tech1 = technician('tech1');
const lab = useWorkflowLab('S');

async function resolvedTicket(): Promise<{ ticket: TicketProbe; resolvedAtMs: number }> {
  const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
  await ticket.act(tech1, { type: 'accept' });
  await ticket.act(tech1, { type: 'resolve', resolution: '更换网线' });
  return { ticket, resolvedAtMs: Date.parse(ticket.eventsOf('resolved')[0].at) };
}

describe('satisfaction survey (time-skipping)', () => {
  test('when the requester does not answer for a day, then one reminder is sent at remindAfter', async () => {
    const { ticket, resolvedAtMs } = await resolvedTicket();
    await lab().sleepUntil(resolvedAtMs + DAY - HOUR);
    await ticket.waitFor(() => true);
    expect(ticket.eventsOf('survey_reminded')).toEqual([]);
    await lab().sleepUntil(resolvedAtMs + 2 * DAY);
    const state = await ticket.waitFor((s) => s.survey.remindedAtMs != null);
    const [reminder] = ticket.eventsOf('survey_reminded');
    expect(reminder).toMatchObject({ actor: null, data: { round: 1, dueAt: iso(resolvedAtMs + DAY) } });
    expect(Date.parse(reminder.at) - (resolvedAtMs + DAY)).toBeLessThan(2000);
    expect(ticket.eventsOf('survey_reminded')).toHaveLength(1);
    expect(state.status).toBe('resolved');
  });

  test('when the requester never answers, then the ticket closes without a rating at expireAfter', async () => {
    const { ticket, resolvedAtMs } = await resolvedTicket();
    await lab().sleepUntil(resolvedAtMs + 3 * DAY + HOUR);
    expect(await ticket.handle.result()).toEqual({ number: ticket.number, status: 'closed', events: 6 });
    const state = await ticket.waitFor((s) => s.status === 'closed');
    expect(ticket.events.map((e) => e.type)).toEqual([
      'submitted',
      'assigned',
      'accepted',
      'resolved',
      'survey_reminded',
      'closed',
    ]);
    expect(ticket.eventsOf('closed')[0].data).toEqual({
      reason: 'survey_expired',
      round: 1,
      dueAt: iso(resolvedAtMs + 3 * DAY),
    });
    expect(state.survey.rating).toBeNull();
    expect(state.closedAtMs! - (resolvedAtMs + 3 * DAY)).toBeLessThan(2000);
  });

  test('when the requester confirms before the reminder, then the ticket closes with the rating and no reminder ever comes', async () => {
    const { ticket } = await resolvedTicket();
    const closed = await ticket.act(requester, { type: 'confirm', rating: 4, comment: '及时' });
    expect(closed.view).toMatchObject({ status: 'closed', rating: 4 });
    expect(ticket.eventsOf('confirmed')[0].data).toEqual({ rating: 4, comment: '及时', round: 1 });
    expect((await ticket.handle.result()).status).toBe('closed');
    expect(ticket.eventsOf('survey_reminded')).toEqual([]);
  });

  test('when a reopened ticket is resolved again, then a new survey round starts with a fresh window', async () => {
    const { ticket } = await resolvedTicket();
    await lab().sleep(DAY + HOUR);
    await ticket.waitFor((s) => s.survey.remindedAtMs != null);
    await ticket.act(requester, { type: 'reject', reason: '仍然无法上网' });
    await ticket.act(tech1, { type: 'resolve', resolution: '更换交换机' });
    const secondAt = Date.parse(ticket.eventsOf('resolved')[1].at);
    expect(ticket.eventsOf('resolved')[1].data.round).toBe(2);
    await lab().sleepUntil(secondAt + 3 * DAY + HOUR);
    await ticket.waitFor((s) => s.status === 'closed');
    expect(ticket.eventsOf('survey_reminded').map((e) => e.data)).toEqual([
      { round: 1, dueAt: expect.any(String) as unknown },
      { round: 2, dueAt: iso(secondAt + DAY) },
    ]);
    expect(ticket.eventsOf('closed')[0].data).toMatchObject({ round: 2, dueAt: iso(secondAt + 3 * DAY) });
  });
});
