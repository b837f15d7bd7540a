import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { decide, type OperationId } from '../../domain/authz';
import type { StaffActor } from '../../domain/ticket-types';
import { verifyCsrf } from '../csrf';
import { AppError } from '../errors';
import {
  addLocation,
  deactivateLocation,
  listBuildings,
  listLocations,
  LocationCode,
  locationQrDataUrl,
  locationQrPng,
  NewLocationBody,
  placeParts,
  reportUrl,
  requireLocation,
} from '../locations-service';
import { getTicket } from '../tickets-service';
import { field, labelOr, pageLang, pageT, requireManager, type PageDeps } from './context';
import { dashboardFigures, listCategories, searchTickets, SEARCH_PAGE_SIZE } from './queries';
import { parseNumber } from './report-pages';
import { queueItems } from './staff-pages';
import { describeHistory } from './history-words';
import { ticketHistorySteps } from './temporal-history';

const STATUSES = [
  'submitted',
  'assigned',
  'in_progress',
  'paused',
  'resolved',
  'closed',
  'cancelled',
] as const;

const SearchQuery = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  category: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{1,39}$/)
    .optional()
    .catch(undefined),
  building: z.string().trim().min(1).max(50).optional().catch(undefined),
  owner: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]{1,39}$/)
    .optional()
    .catch(undefined),
  unit: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/)
    .optional()
    .catch(undefined),
  breached: z.enum(['true', 'false']).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

const may = (staff: StaffActor, op: OperationId): boolean =>
  decide(op, { signedIn: true, roles: staff.roles, scopes: null, tracking: false }) === 'allow';

export function managePages(deps: PageDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '32kb' });
  const temporalUi = deps.config.TEMPORAL_UI_URL?.replace(/\/$/, '');

  router.get('/manage', async (req, res) => {
    if (!requireManager(req, res)) return;
    const t = pageT(res);
    const figures = await dashboardFigures(deps.pool, deps.policy.calendar.timezone);
    const counts = new Map(figures.byStatus.map((row) => [row.status, row.count]));
    deps.render(res, 'manage-dashboard', {
      title: t('manage.title'),
      byStatus: ['submitted', 'assigned', 'in_progress', 'paused', 'resolved'].map((status) => ({
        status,
        name: t(`status.${status}`),
        count: counts.get(status) ?? 0,
      })),
      figures,
    });
  });

  router.get('/manage/tickets', async (req, res) => {
    if (!requireManager(req, res)) return;
    const t = pageT(res);
    const lang = pageLang(res);
    const filter = SearchQuery.parse(req.query);
    const [{ rows, total }, categories, buildings] = await Promise.all([
      searchTickets(deps.pool, {
        ...filter,
        breached: filter.breached == null ? undefined : filter.breached === 'true',
      }),
      listCategories(deps.pool),
      listBuildings(deps.pool),
    ]);
    const pages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
    const query = (page: number) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries({ ...filter, page }))
        if (value != null && value !== '') params.set(key, String(value));
      return `/manage/tickets?${params.toString()}`;
    };
    deps.render(res, 'manage-tickets', {
      title: t('search.title'),
      filter,
      statuses: STATUSES.map((s) => ({ code: s, name: t(`status.${s}`), selected: s === filter.status })),
      categories: categories.map((c) => ({
        code: c.code,
        name: lang === 'en' ? c.nameEn : c.name,
        selected: c.code === filter.category,
      })),
      buildings: buildings.map((b) => ({ name: b, selected: b === filter.building })),
      results: queueItems(deps, lang, rows, t),
      total,
      page: filter.page,
      pages,
      prev: filter.page > 1 ? query(filter.page - 1) : null,
      next: filter.page < pages ? query(filter.page + 1) : null,
    });
  });

  router.get('/manage/tickets/:number/history', async (req, res) => {
    const staff = requireManager(req, res);
    if (!staff) return;
    const number = parseNumber(req);
    const t = pageT(res);
    const lang = pageLang(res);
    const ticket = await getTicket(deps, number, { staff });
    const steps = await ticketHistorySteps(deps.temporal, number);
    const workflowId = `ticket-${number}`;
    deps.render(res, 'manage-history', {
      title: `${t('history.title')} ${number}`,
      number,
      statusName: t(`status.${ticket.status}`),
      steps: steps.map((step) => ({
        ...describeHistory(t, step),
        time: deps.formatTime(lang, step.at),
        id: step.id,
      })),
      temporalHref: temporalUi
        ? `${temporalUi}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`
        : null,
      workflowId,
    });
  });

  async function showLocations(
    req: Request,
    res: Response,
    staff: StaffActor,
    error?: string,
    values: Record<string, string> = {},
    status = 200,
  ) {
    const t = pageT(res);
    const [locations, buildings] = await Promise.all([listLocations(deps.pool), listBuildings(deps.pool)]);
    deps.render(
      res,
      'manage-locations',
      {
        title: t('locations.title'),
        locations: locations.map((l) => ({
          ...l,
          place: placeParts(l).join(' '),
          kindName: labelOr(t, `kind.${l.kind}`, l.kind),
        })),
        buildings,
        canEdit: may(staff, 'locations.create'),
        error,
        values,
      },
      status,
    );
  }

  router.get('/manage/locations', async (req, res) => {
    const staff = requireManager(req, res);
    if (staff) await showLocations(req, res, staff);
  });

  router.post('/manage/locations', form, verifyCsrf(deps.config), async (req, res) => {
    const staff = requireManager(req, res);
    if (!staff) return;
    if (!may(staff, 'locations.create')) throw AppError.forbidden('Only administrators can add locations.');
    const names = ['code', 'campus', 'building', 'floor', 'room', 'zone', 'kind'];
    const values = Object.fromEntries(names.map((n) => [n, field(req.body, n)]));
    const parsed = NewLocationBody.safeParse(values);
    if (!parsed.success) {
      const bad = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].map((n) =>
        pageT(res)(`locations.field.${n}`),
      );
      return showLocations(
        req,
        res,
        staff,
        `${pageT(res)('locations.invalid')} ${bad.join('、')}`,
        values,
        422,
      );
    }
    try {
      await addLocation(deps.pool, parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.status === 409)
        return showLocations(req, res, staff, pageT(res)('locations.exists'), values, 409);
      throw err;
    }
    res.redirect(303, '/manage/locations');
  });

  router.post('/manage/locations/:code/deactivate', form, verifyCsrf(deps.config), async (req, res) => {
    const staff = requireManager(req, res);
    if (!staff) return;
    if (!may(staff, 'locations.deactivate'))
      throw AppError.forbidden('Only administrators can deactivate locations.');
    await deactivateLocation(deps.pool, LocationCode.parse(req.params.code));
    res.redirect(303, '/manage/locations');
  });

  router.get('/manage/locations/:code/qr.png', async (req, res) => {
    if (!requireManager(req, res)) return;
    const code = LocationCode.safeParse(req.params.code);
    if (!code.success) throw AppError.notFound('No such location.');
    const location = await requireLocation(deps.pool, code.data);
    res
      .type('image/png')
      .set('Content-Disposition', `inline; filename="${location.code}.png"`)
      .send(await locationQrPng(deps.config.publicUrl, location.code));
  });

  router.get('/manage/labels', async (req, res) => {
    if (!requireManager(req, res)) return;
    const t = pageT(res);
    const building = typeof req.query.building === 'string' ? req.query.building.slice(0, 50) : '';
    const locations = (await listLocations(deps.pool, { building, active: true })).slice(0, 200);
    const labels = await Promise.all(
      locations.map(async (l) => ({
        code: l.code,
        building: l.building,
        room: [l.floor ? t('place.floor', { floor: l.floor }) : null, l.room].filter(Boolean).join(' '),
        campus: l.campus,
        url: reportUrl(deps.config.publicUrl, l.code),
        qr: await locationQrDataUrl(deps.config.publicUrl, l.code),
      })),
    );
    deps.render(res, 'labels', { title: `${t('labels.title')} ${building}`, building, labels, print: true });
  });

  return router;
}
