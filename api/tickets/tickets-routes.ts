import { Router, type Request } from 'express';
import { actionBySegment } from '../../domain/ticket-actions';
import type { ApiDeps } from '../deps';
import { authorize } from '../http/authz-middleware';
import { callerOf } from '../http/caller';
import { AppError } from '../http/errors';
import { requestLimit } from '../http/rate-limits';
import { parse } from '../http/validate';
import { ACTION_API } from './actions';
import { getTicket } from './read-ticket';
import { runAction } from './run-action';
import { IdempotencyKey, NewTicketBody, TicketNumber } from './schemas';
import { submitTicket } from './submit-ticket';

const ticketNumber = (req: Request): string => parse(TicketNumber, req.params.id, 'ticket id');

/** The action a request's `:action` segment names; 404 when there is none. */
function actionOf(req: Request) {
  const action = actionBySegment(String(req.params.action));
  if (!action) throw AppError.notFound(`No action ${String(req.params.action)}.`);
  return action;
}

export function ticketsRouter(deps: ApiDeps): Router {
  const router = Router();
  const submitLimit = requestLimit(deps.pool, 'submit', deps.config.NODE_ENV === 'production' ? 30 : 10_000);

  router.post('/', submitLimit, authorize('tickets.submit'), async (req, res) => {
    const body = parse(NewTicketBody, req.body);
    const key = req.get('idempotency-key');
    const idempotencyKey = key == null ? undefined : parse(IdempotencyKey, key, 'Idempotency-Key header');
    const { receipt, replayed, timings } = await submitTicket(deps, body, {
      idempotencyKey,
      staff: callerOf(res).staff,
    });
    if (replayed) res.set('Idempotent-Replayed', 'true');
    // Where the acknowledgement's time went (https://www.w3.org/TR/server-timing/): PostgreSQL, then Temporal.
    res.set('Server-Timing', `db;dur=${timings.db.toFixed(1)}, temporal;dur=${timings.temporal.toFixed(1)}`);
    res.status(201).location(`/api/tickets/${receipt.number}`).json(receipt);
  });

  router.get('/:id', authorize('tickets.get'), async (req, res) => {
    res.json(await getTicket(deps, ticketNumber(req), callerOf(res)));
  });

  router.post('/:id/:action', (req, res, next) => authorize(`tickets.${actionOf(req)}`)(req, res, next));
  router.post('/:id/:action', async (req, res) => {
    const action = actionOf(req);
    const body = parse(ACTION_API[action].body, req.body ?? {});
    res.json(await runAction(deps, ticketNumber(req), action, body, callerOf(res)));
  });

  return router;
}
