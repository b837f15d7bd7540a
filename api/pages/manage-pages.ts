import { Router } from 'express';
import { TICKET_STATUSES } from '../../domain/ticket-types';
import { listBuildings } from '../locations/locations-service';
import { getTicket } from '../tickets/read-ticket';
import { pageLang, pageT, requireManager, type PageDeps } from './context';
import { attentionItems } from './attention';
import { needsAttention } from '../../db/repositories/attention';
import { listCategories } from '../../db/repositories/categories';
import { dashboardFigures } from '../../db/repositories/dashboard';
import { parseNumber } from './report-pages';
import { listTickets, TicketListQuery } from '../tickets/tickets-query';
import { staffLabel } from './timeline';
import { describeHistory } from './history-words';
import { getTicketHistory } from '../tickets/ticket-history';
import { REPORT_GROUPS, slaReport, SlaReportQuery, type SlaFigures } from '../reports/reports-service';
import { sendCsv } from '../http/csv';
import { AppError } from '../http/errors';
import { TICKET_EXPORT_HEADER, ticketExportRows } from './ticket-export';
import { slaReportTable } from '../reports/report-csv';
import { AWAITING_ACCEPT, isUnresolved, NOT_ENDED } from '../../domain/ticket-status';

const STATUSES = TICKET_STATUSES;

/** The filters of GET /api/tickets the search form offers, passed to the same query (api/tickets/tickets-query.ts). */
const SEARCH_FIELDS = [
  'status',
  'category',
  'building',
  'owner',
  'unit',
  'breached',
  'from',
  'to',
  'page',
] as const;

/** The search form's filters that were given (blank ones left out), as the list query takes them. */
function searchFilters(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    SEARCH_FIELDS.flatMap((name) => {
      const value = query[name];
      return typeof value === 'string' && value.trim() !== '' ? [[name, value.trim()]] : [];
    }),
  );
}

export function managePages(deps: PageDeps): Router {
  const router = Router();
  const temporalUi = deps.config.TEMPORAL_UI_URL?.replace(/\/$/, '');

  router.get('/manage', async (req, res) => {
    if (!requireManager(req, res)) return;
    const t = pageT(res);
    const [figures, attention] = await Promise.all([
      dashboardFigures(deps.pool, deps.policy.calendar.timezone),
      needsAttention(deps.pool),
    ]);
    const counts = new Map(figures.byStatus.map((row) => [row.status, row.count]));
    deps.render(res, 'manage-dashboard', {
      title: t('manage.title'),
      byStatus: NOT_ENDED.map((status) => ({
        status,
        name: t(`status.${status}`),
        count: counts.get(status) ?? 0,
      })),
      figures,
      attention: attentionItems(deps, pageLang(res), attention, t),
    });
  });

  router.get('/manage/tickets.csv', async (req, res) => {
    const staff = requireManager(req, res);
    if (!staff) return;
    const t = pageT(res);
    const lang = pageLang(res);
    const { page: _page, ...given } = searchFilters(req.query);
    const parsed = TicketListQuery.safeParse(given);
    if (!parsed.success) throw AppError.badRequest(t('search.invalid'));
    const categories = await listCategories(deps.pool);
    const names = new Map(categories.map((c) => [c.code, lang === 'en' ? c.nameEn : c.name]));
    const rows = ticketExportRows(deps, staff, parsed.data, t, (code) => names.get(code) ?? code);
    await sendCsv(res, 'tickets.csv', TICKET_EXPORT_HEADER, rows);
  });

  router.get('/manage/tickets', async (req, res) => {
    const staff = requireManager(req, res);
    if (!staff) return;
    const t = pageT(res);
    const lang = pageLang(res);
    const given = searchFilters(req.query);
    const parsed = TicketListQuery.safeParse({ ...given, limit: '25' });
    const [categories, buildings] = await Promise.all([listCategories(deps.pool), listBuildings(deps.pool)]);
    const page = parsed.success
      ? await listTickets(deps.pool, staff, parsed.data, deps.policy.calendar.timezone)
      : { items: [], nextPage: null };
    const names = new Map(categories.map((c) => [c.code, lang === 'en' ? c.nameEn : c.name]));
    const now = Date.now();
    const filter = given as Partial<Record<(typeof SEARCH_FIELDS)[number], string>>;
    const { page: _page, ...filters } = filter;
    const next = new URLSearchParams({ ...filters, page: page.nextPage ?? '' });
    deps.render(res, 'manage-tickets', {
      title: t('search.title'),
      filter,
      error: parsed.success ? null : t('search.invalid'),
      statuses: STATUSES.map((s) => ({ code: s, name: t(`status.${s}`), selected: s === filter.status })),
      categories: categories.map((c) => ({
        code: c.code,
        name: lang === 'en' ? c.nameEn : c.name,
        selected: c.code === filter.category,
      })),
      buildings: buildings.map((b) => ({ name: b, selected: b === filter.building })),
      results: page.items.map((item) => {
        const due = AWAITING_ACCEPT.includes(item.status) ? item.deadlines.respond : item.deadlines.resolve;
        return {
          number: item.number,
          status: t(`status.${item.status}`),
          priority: item.priority,
          category: names.get(item.category) ?? item.category,
          place: [item.location.building, item.location.room].filter(Boolean).join(' '),
          owner: item.owner ? staffLabel(t, item.owner) : '',
          due: deps.formatTime(lang, due),
          breached: item.breached || (due != null && Date.parse(due) < now && isUnresolved(item.status)),
        };
      }),
      csv: `/manage/tickets.csv?${new URLSearchParams(filters).toString()}`,
      first: filter.page ? `/manage/tickets?${new URLSearchParams(filters).toString()}` : null,
      next: page.nextPage ? `/manage/tickets?${next.toString()}` : null,
    });
  });

  router.get('/manage/tickets/:number/history', async (req, res) => {
    const staff = requireManager(req, res);
    if (!staff) return;
    const number = parseNumber(req);
    const t = pageT(res);
    const lang = pageLang(res);
    const ticket = await getTicket(deps, number, { staff });
    const entries = await getTicketHistory(deps, number);
    const workflowId = `ticket-${number}`;
    deps.render(res, 'manage-history', {
      title: `${t('history.title')} ${number}`,
      number,
      statusName: t(`status.${ticket.status}`),
      steps: entries.map((entry) => ({
        ...describeHistory(t, entry, deps.formatTime, lang),
        id: entry.eventId,
        time: deps.formatTime(lang, entry.at),
      })),
      temporalHref: temporalUi
        ? `${temporalUi}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`
        : null,
      workflowId,
    });
  });

  router.get(['/manage/reports', '/manage/reports.csv'], async (req, res) => {
    if (!requireManager(req, res)) return;
    const t = pageT(res);
    const given = Object.fromEntries(
      (['from', 'to', 'groupBy'] as const).flatMap((name) => {
        const value = req.query[name];
        return typeof value === 'string' && value.trim() !== '' ? [[name, value.trim()]] : [];
      }),
    );
    const parsed = SlaReportQuery.safeParse(given);
    const report = await slaReport(
      deps.pool,
      parsed.success ? parsed.data : {},
      deps.policy.calendar.timezone,
    );
    if (req.path.endsWith('.csv')) {
      const { header, rows } = slaReportTable(report);
      return sendCsv(res, `sla-${report.groupBy}.csv`, header, rows);
    }
    const pct = (rate: number | null) => (rate == null ? '–' : `${Math.round(rate * 1000) / 10}%`);
    const mins = (seconds: number | null) => (seconds == null ? '–' : `${Math.round(seconds / 60)}`);
    const row = (key: string, f: SlaFigures) => ({
      key,
      tickets: f.tickets,
      respondOnTime: pct(f.respond.onTimeRate),
      resolveOnTime: pct(f.resolve.onTimeRate),
      accept: `${mins(f.timeToAccept.p50)} / ${mins(f.timeToAccept.p90)}`,
      resolve: `${mins(f.timeToResolve.p50)} / ${mins(f.timeToResolve.p90)}`,
      escalations: [...Object.values(f.escalations.respond), ...Object.values(f.escalations.resolve)].reduce(
        (a, b) => a + b,
        0,
      ),
      csat: f.satisfaction.average == null ? '–' : f.satisfaction.average.toFixed(2),
      responses: `${f.satisfaction.responses}/${f.satisfaction.surveys}`,
      reopen: pct(f.reopen.rate),
    });
    deps.render(res, 'manage-reports', {
      title: t('reports.title'),
      error: parsed.success ? null : t('search.invalid'),
      report,
      groups: REPORT_GROUPS.map((g) => ({
        code: g,
        name: t(`reports.group.${g}`),
        selected: g === report.groupBy,
      })),
      rows: report.groups.map((g) => row(g.key ?? t('reports.none'), g)),
      total: row(t('reports.total'), report.total),
      from: deps.formatTime(pageLang(res), report.from),
      to: deps.formatTime(pageLang(res), report.to),
      values: given,
      csv: `/manage/reports.csv?${new URLSearchParams(given).toString()}`,
    });
  });

  return router;
}
