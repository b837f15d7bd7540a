import { Router } from 'express';
import { authorize } from '../http/authz-middleware';
import { callerOf } from '../http/caller';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';
import { TicketNumber } from './schemas';
import { getTicketHistory } from './ticket-history';
import { listTickets, TicketListQuery } from './tickets-query';
import { parse } from '../http/validate';

/** Manager queries over tickets: the list from the read model and the history from Temporal. */
export function ticketsQueryRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/', authorize('tickets.list'), async (req, res) => {
    const viewer = callerOf(res).staff;
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
