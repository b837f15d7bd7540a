import { Router, type Request, type Response } from 'express';
import { DESK, hasRole, isRequesterAccount, MANAGERS } from '../../domain/authz';
import type { Lang } from '../../domain/ticket-types';
import { verifyCsrf } from '../http/csrf';
import { AppError } from '../http/errors';
import { actionBySegment, STAFF_PAGE_ACTIONS } from '../../domain/ticket-actions';
import { LoginBody } from '../auth/auth-schemas';
import { ACTION_API } from '../tickets/actions';
import { endSession, startSession } from '../auth/session';
import { getTicket, isOutOfSight, type TicketDetail, type TicketOutOfSight } from '../tickets/read-ticket';
import { runAction } from '../tickets/run-action';
import { listPhotoIds } from '../../db/repositories/photos';
import { loadPhoto, sendPhoto } from '../tickets/uploads';
import {
  field,
  formBody,
  pageLang,
  rawField,
  pageT,
  requirePageStaff,
  safeNext,
  type PageDeps,
} from './context';
import { attentionItems } from './attention';
import { needsAttention } from '../../db/repositories/attention';
import { myQueue, unassignedQueue, type QueueRow } from '../../db/repositories/queues';
import { listTeams } from '../../db/repositories/org';
import { listTechnicians } from '../../db/repositories/staff';
import { requesterContact } from '../../db/repositories/tickets';
import { parseNumber } from './report-pages';
import { actionBody, ticketModel } from './tracking-pages';

export function queueItems(deps: PageDeps, lang: Lang, rows: QueueRow[], t: (key: string) => string) {
  const now = Date.now();
  return rows.map((row) => ({
    number: row.number,
    status: t(`status.${row.status}`),
    priority: row.priority,
    category: row.view.categoryName[lang],
    place: [row.view.location.building, row.view.location.room].filter(Boolean).join(' '),
    due: deps.formatTime(lang, row.due),
    breached: row.breached || (row.due != null && Date.parse(row.due) < now),
  }));
}

export function staffPages(deps: PageDeps): Router {
  const router = Router();
  const showLogin = (req: Request, res: Response, error?: string, status = 200) =>
    deps.render(
      res,
      'staff-login',
      {
        title: pageT(res)('login.title'),
        next: safeNext(req.query.next ?? field(req.body, 'next'), ''),
        error,
      },
      status,
    );

  router.get('/staff/login', (req, res) => showLogin(req, res));

  router.post('/staff/login', formBody, verifyCsrf(deps.config), async (req, res) => {
    const parsed = LoginBody.safeParse({
      username: field(req.body, 'username'),
      password: rawField(req.body, 'password'),
    });
    if (!parsed.success) return showLogin(req, res, pageT(res)('login.error'), 401);
    try {
      const user = await startSession(
        req,
        res,
        deps.pool,
        deps.config,
        parsed.data.username,
        parsed.data.password,
      );
      const home = hasRole(user, MANAGERS) ? '/manage' : '/staff';
      res.redirect(303, safeNext(field(req.body, 'next'), home));
    } catch (err) {
      if (err instanceof AppError && err.status === 401)
        return showLogin(req, res, pageT(res)('login.error'), 401);
      throw err;
    }
  });

  router.post('/staff/logout', formBody, verifyCsrf(deps.config), async (req, res) => {
    await endSession(req, res, deps.pool, deps.config);
    res.redirect(303, '/staff/login');
  });

  router.get('/staff', async (req, res) => {
    const staff = requirePageStaff(req, res);
    if (!staff) return;
    if (isRequesterAccount(staff.roles)) throw AppError.forbidden('The staff console is for staff.');
    const t = pageT(res);
    const lang = pageLang(res);
    const dispatcher = hasRole(staff, DESK);
    const [mine, unassigned, attention] = await Promise.all([
      myQueue(deps.pool, staff.username),
      dispatcher ? unassignedQueue(deps.pool) : Promise.resolve([]),
      dispatcher ? needsAttention(deps.pool) : Promise.resolve([]),
    ]);
    deps.render(res, 'staff-queue', {
      title: t('staff.title'),
      mine: queueItems(deps, lang, mine, t),
      dispatcher,
      unassigned: queueItems(deps, lang, unassigned, t),
      attention: attentionItems(deps, lang, attention, t),
    });
  });

  async function showTicket(req: Request, res: Response, error?: string, status = 200) {
    const staff = requirePageStaff(req, res);
    if (!staff) return;
    const number = parseNumber(req);
    const t = pageT(res);
    const ticket = await getTicket(deps, number, { staff });
    const [contact, photos, techs, teamList] = await Promise.all([
      requesterContact(deps.pool, number),
      listPhotoIds(deps.pool, number),
      ticket.allowedActions.includes('transfer') ? listTechnicians(deps.pool) : Promise.resolve([]),
      ticket.allowedActions.includes('transfer') ? listTeams(deps.pool) : Promise.resolve([]),
    ]);
    const lang = pageLang(res);
    const done =
      typeof req.query.done === 'string' && /^[a-z_]+$/.test(req.query.done) ? req.query.done : null;
    deps.render(
      res,
      'staff-ticket',
      {
        title: `${number}`,
        ticket: ticketModel(deps, res, ticket, 'staff'),
        contact,
        photos: photos.map((id) => `/staff/tickets/${number}/photos/${id}`),
        actions: STAFF_PAGE_ACTIONS.filter((a) => ticket.allowedActions.includes(a)),
        technicians: techs.filter((s) => s.username !== ticket.assignee?.username),
        teams: teamList.map((team) => ({ code: team.code, name: lang === 'en' ? team.nameEn : team.name })),
        priorities: Object.keys(deps.policy.priorities).filter((p) => p !== ticket.priority),
        historyHref: hasRole(staff, MANAGERS) ? `/manage/tickets/${number}/history` : null,
        attention: (ticket.attention ?? []).map((mark) => ({
          kind: t(`attention.${mark.kind}`),
          reason: mark.reason,
        })),
        done: done ? t(`staff.done.${done}`) : null,
        error,
      },
      status,
    );
  }

  router.get('/staff/tickets/:number', (req, res) => showTicket(req, res));

  router.get('/staff/tickets/:number/photos/:id', async (req, res) => {
    const staff = requirePageStaff(req, res);
    if (!staff) return;
    const number = parseNumber(req);
    await getTicket(deps, number, { staff });
    sendPhoto(res, await loadPhoto(deps.pool, number, String(req.params.id)));
  });

  router.post('/staff/tickets/:number/:action', formBody, verifyCsrf(deps.config), async (req, res) => {
    const staff = requirePageStaff(req, res);
    if (!staff) return;
    const number = parseNumber(req);
    const action = actionBySegment(String(req.params.action));
    if (!action || !(STAFF_PAGE_ACTIONS as readonly string[]).includes(action))
      throw AppError.notFound('No such action.');
    const t = pageT(res);
    const parsed = ACTION_API[action].body.safeParse(actionBody(action, req.body));
    if (!parsed.success) return showTicket(req, res, t(`staff.error.${action}`), 422);
    let answer: TicketDetail | TicketOutOfSight;
    try {
      answer = await runAction(deps, number, action, parsed.data, { staff });
    } catch (err) {
      if (err instanceof AppError && err.status < 500)
        return showTicket(req, res, `${t('staff.error.refused')} ${err.detail}`, err.status);
      throw err;
    }
    // A hand-over to another team takes the ticket out of this person's sight: back to their queue.
    res.redirect(303, isOutOfSight(answer) ? '/staff' : `/staff/tickets/${number}?done=${action}`);
  });

  return router;
}
