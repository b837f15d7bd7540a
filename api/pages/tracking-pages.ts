import { Router, type Request, type Response } from 'express';
import type { Lang, PublicStaff } from '../../domain/ticket-types';
import { isTrackingToken } from '../../lib/tracking-token';
import { verifyCsrf } from '../http/csrf';
import { AppError } from '../http/errors';
import { placeName } from '../../domain/place';
import { REQUESTER_ACTIONS, type TicketAction } from '../../domain/ticket-actions';
import { ACTION_API } from '../tickets/actions';
import { getTicket, type TicketDetail } from '../tickets/read-ticket';
import { runAction } from '../tickets/run-action';
import { listPhotoIds } from '../../db/repositories/photos';
import { loadPhoto, sendPhoto } from '../tickets/uploads';
import { field, formBody, pageLang, pageT, type PageDeps } from './context';
import { requesterMessages } from '../../db/repositories/outbox';
import { ticketVersion } from '../../db/repositories/tickets';
import { parseNumber, publicFormLimit } from './report-pages';
import { staffLabel, timeline } from './timeline';
import { NOT_ENDED } from '../../domain/ticket-status';

function tokenOf(req: Request): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = typeof body?.token === 'string' ? body.token : req.query.token;
  return typeof value === 'string' ? value : '';
}

/**
 * The ticket's page fields shared by the requester's and the staff's view: the API's `TicketDetail`
 * (api/tickets/read-ticket.ts) translated and formatted for a person, not another shape of the ticket.
 */
export function ticketModel(
  deps: PageDeps,
  res: Response,
  ticket: TicketDetail,
  audience: 'requester' | 'staff',
) {
  const t = pageT(res);
  const lang: Lang = pageLang(res);
  const person = (s: PublicStaff | null) => (s ? staffLabel(t, s) : null);
  return {
    number: ticket.number,
    status: ticket.status,
    statusName: t(`status.${ticket.status}`),
    open: NOT_ENDED.includes(ticket.status),
    priority: ticket.priority,
    category: ticket.categoryName[lang],
    place: placeName(ticket.location),
    description: ticket.description,
    requesterName: ticket.requester.name,
    holder: person(ticket.assignee),
    owner: person(ticket.owner),
    deadlines: {
      respond: deps.formatTime(lang, ticket.deadlines.respond),
      resolve: deps.formatTime(lang, ticket.deadlines.resolve),
    },
    breached: ticket.breached,
    paused: ticket.paused
      ? { reason: ticket.paused.reason, since: deps.formatTime(lang, ticket.paused.since) }
      : null,
    resolution: ticket.resolution,
    rating: ticket.rating,
    submittedAt: deps.formatTime(lang, ticket.submittedAt),
    timeline: timeline(t, lang, ticket.events, deps.formatTime, audience).reverse(),
    allowed: Object.fromEntries(ticket.allowedActions.map((a) => [a, true])),
  };
}

/** Turns form fields into the action's JSON body: numbers for ratings, blanks left out. */
export function actionBody(action: string, body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['reason', 'note', 'resolution', 'priority', 'to', 'team', 'comment']) {
    const value = field(body, name);
    if (value !== '') out[name] = value;
  }
  const target = /^(staff|team):([\w.-]{1,40})$/.exec(field(body, 'target'));
  if (target) out[target[1] === 'staff' ? 'to' : 'team'] = target[2];
  const rating = field(body, 'rating');
  if (action === 'confirm') out.rating = rating === '' ? undefined : Number(rating);
  return out;
}

export function trackingPages(deps: PageDeps): Router {
  const router = Router();
  const answerLimit = publicFormLimit(deps, 'form-answer', 30);

  async function show(req: Request, res: Response, error?: string, status = 200) {
    const number = parseNumber(req);
    const token = tokenOf(req);
    if (!isTrackingToken(deps.config.secret, number, token)) {
      const t = pageT(res);
      return deps.render(
        res,
        'message',
        { title: t('track.bad_link_title'), text: t('track.bad_link_text') },
        403,
      );
    }
    const ticket = await getTicket(deps, number, { trackingToken: token });
    const [messages, photos] = await Promise.all([
      requesterMessages(deps.pool, number),
      listPhotoIds(deps.pool, number),
    ]);
    const lang = pageLang(res);
    const done =
      typeof req.query.done === 'string' && /^[a-z]+$/.test(req.query.done) ? req.query.done : null;
    deps.render(
      res,
      'track',
      {
        title: `${pageT(res)('track.title')} ${number}`,
        ticket: ticketModel(deps, res, ticket, 'requester'),
        token,
        selfHref: `/t/${number}?token=${token}`,
        versionHref: `/t/${number}/version?token=${token}`,
        seq: ticket.events.at(-1)?.seq ?? 0,
        messages: messages.map((m) => ({ ...m, time: deps.formatTime(lang, m.createdAt) })),
        photos: photos.map((id) => `/t/${number}/photos/${id}?token=${token}`),
        done: done ? pageT(res)(`track.done.${done}`) : null,
        error,
      },
      status,
    );
  }

  router.get('/t/:number', (req, res) => show(req, res));

  router.get('/t/:number/version', async (req, res) => {
    const number = parseNumber(req);
    if (!isTrackingToken(deps.config.secret, number, tokenOf(req)))
      throw AppError.forbidden('The tracking link is not valid.');
    res
      .set('Cache-Control', 'no-store')
      .json((await ticketVersion(deps.pool, number)) ?? { seq: 0, status: 'submitted' });
  });

  router.get('/t/:number/photos/:id', async (req, res) => {
    const number = parseNumber(req);
    if (!isTrackingToken(deps.config.secret, number, tokenOf(req)))
      throw AppError.forbidden('The tracking link is not valid.');
    sendPhoto(res, await loadPhoto(deps.pool, number, String(req.params.id)));
  });

  router.post('/t/:number/:action', answerLimit, formBody, verifyCsrf(deps.config), async (req, res) => {
    const number = parseNumber(req);
    const action = REQUESTER_ACTIONS.find((a): a is TicketAction => a === req.params.action);
    if (!action) throw AppError.notFound('No such action.');
    const token = tokenOf(req);
    const t = pageT(res);
    const parsed = ACTION_API[action].body.safeParse(actionBody(action, req.body));
    if (!parsed.success) return show(req, res, t(`track.error.${action}`), 422);
    try {
      await runAction(deps, number, action, parsed.data, { trackingToken: token });
    } catch (err) {
      if (err instanceof AppError && err.status < 500)
        return show(req, res, t('track.error.refused'), err.status);
      throw err;
    }
    res.redirect(303, `/t/${number}?token=${token}&done=${action}`);
  });

  return router;
}
