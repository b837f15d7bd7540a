import { TICKET_ACTION_NAMES } from '../domain/ticket-actions';
import { everyTicketUpdate, ticketCommandUpdates } from './ticket-contract';

describe('the ticket contract, derived from the actions table', () => {
  test('when the table names an action, then its update carries exactly that name (as recorded in histories)', () => {
    expect(Object.keys(ticketCommandUpdates).sort()).toEqual([...TICKET_ACTION_NAMES].sort());
    for (const name of TICKET_ACTION_NAMES) expect(ticketCommandUpdates[name].name).toBe(name);
    expect(everyTicketUpdate.map((update) => update.name)).toEqual(TICKET_ACTION_NAMES);
  });

  test('when histories were recorded, then the update names in them are all still defined', () => {
    const recorded = [
      'accept',
      'decline',
      'transfer',
      'note',
      'on_site',
      'pause',
      'resume',
      'resolve',
      'confirm',
      'reject',
      'cancel',
      'priority',
    ];
    expect([...TICKET_ACTION_NAMES].sort()).toEqual(recorded.sort());
  });
});
