import { Router } from 'express';
import { accountOf, authorize } from './authz-middleware';
import type { ApiDeps } from './deps';
import { AppError } from './errors';
import { TicketNumber } from './schemas';
import { getTicketHistory } from './ticket-history';
import { listTickets, TicketListQuery } from './tickets-query';
import { parse } from './validate';

/** Manager queries over tickets: the list from the read model and the history from Temporal. */
export function ticketsQueryRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/', authorize('tickets.list'), async (req, res) => {
    const viewer = accountOf(res);
    if (!viewer) throw AppError.unauthorized();
    const filters = parse(TicketListQuery, req.query, 'query string');
    res.json(await listTickets(deps.pool, viewer, filters, deps.policy.calendar.timezone));
  });
  router.get('/:id/history', authorize('tickets.history'), async (req, res) => {
    const number = parse(TicketNumber, req.params.id, 'ticket id');
    res.json({ number, items: await getTicketHistory(deps, number) });
  });
  return router;
}
