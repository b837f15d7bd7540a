import { TICKET_STATUSES } from './ticket-types';
import { AWAITING_ACCEPT, ENDED, HELD, IN_WORK, NOT_ENDED, UNRESOLVED, sqlList } from './ticket-status';

describe('status groups', () => {
  test('when the groups are put together, then every status is either not ended or ended, never both', () => {
    expect([...NOT_ENDED, ...ENDED].sort()).toEqual([...TICKET_STATUSES].sort());
    expect(NOT_ENDED.filter((s) => ENDED.includes(s))).toEqual([]);
  });

  test('when work awaits acceptance or is held, then it is unresolved', () => {
    for (const s of [...AWAITING_ACCEPT, ...HELD]) expect(UNRESOLVED).toContain(s);
    expect([...AWAITING_ACCEPT, ...IN_WORK].sort()).toEqual([...UNRESOLVED].sort());
    expect(UNRESOLVED).not.toContain('resolved');
  });

  test('when a group is written for SQL, then it is a quoted list of its names', () => {
    expect(sqlList(AWAITING_ACCEPT)).toBe("('submitted', 'assigned')");
  });
});
