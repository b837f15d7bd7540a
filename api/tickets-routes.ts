import { Router, type Request } from 'express';
import type { StaffActor } from '../domain/ticket-types';
import { authorize } from './authz-middleware';
import type { ApiDeps } from './deps';
import { AppError } from './errors';
import { requestLimit } from './rate-limits';
import { getTicket, runAction, submitTicket, type Access } from './tickets-service';
import { ActionBodies, IdempotencyKey, NewTicketBody, TicketNumber, actionFromPath } from './schemas';
import { parse } from './validate';

function access(req: Request, staff: StaffActor | undefined): Access {
  const header = req.get('x-tracking-token');
  const query = typeof req.query.token === 'string' ? req.query.token : undefined;
  const trackingToken = header ?? query;
  return { ...(staff ? { staff } : {}), ...(trackingToken ? { trackingToken } : {}) };
}

const ticketNumber = (req: Request): string => parse(TicketNumber, req.params.id, 'ticket id');

export function ticketsRouter(deps: ApiDeps): Router {
  const router = Router();
  const submitLimit = requestLimit(deps.pool, 'submit', deps.config.NODE_ENV === 'production' ? 30 : 10_000);

  router.post('/', submitLimit, authorize('tickets.submit'), async (req, res) => {
    const body = parse(NewTicketBody, req.body);
    const key = req.get('idempotency-key');
    const idempotencyKey = key == null ? undefined : parse(IdempotencyKey, key, 'Idempotency-Key header');
    const { receipt, replayed, timings } = await submitTicket(deps, body, {
      idempotencyKey,
      staff: res.locals.staff as StaffActor | undefined,
    });
    if (replayed) res.set('Idempotent-Replayed', 'true');
    // Where the acknowledgement's time went (https://www.w3.org/TR/server-timing/): PostgreSQL, then Temporal.
    res.set('Server-Timing', `db;dur=${timings.db.toFixed(1)}, temporal;dur=${timings.temporal.toFixed(1)}`);
    res.status(201).location(`/api/tickets/${receipt.number}`).json(receipt);
  });

  router.get('/:id', authorize('tickets.get'), async (req, res) => {
    res.json(
      await getTicket(deps, ticketNumber(req), access(req, res.locals.staff as StaffActor | undefined)),
    );
  });

  router.post('/:id/:action', (req, res, next) => {
    const action = actionFromPath(req.params.action);
    if (!action) return next(AppError.notFound(`No action ${req.params.action}.`));
    authorize(`tickets.${action}`)(req, res, next);
  });
  router.post('/:id/:action', async (req, res) => {
    const action = actionFromPath(req.params.action);
    if (!action) throw AppError.notFound(`No action ${req.params.action}.`);
    const body = parse(ActionBodies[action], req.body ?? {});
    res.json(
      await runAction(
        deps,
        ticketNumber(req),
        action,
        body,
        access(req, res.locals.staff as StaffActor | undefined),
      ),
    );
  });

  return router;
}
