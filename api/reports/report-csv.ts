import type { SlaReport } from './reports-service';

/** The report as a table for CSV: one row per group and a last row `total`; escalation columns per level seen. */
export function slaReportTable(report: SlaReport): { header: string[]; rows: unknown[][] } {
  const rows = [...report.groups, { key: 'total', ...report.total }];
  const levels = (clock: 'respond' | 'resolve') =>
    [...new Set(rows.flatMap((r) => Object.keys(r.escalations[clock])))].sort(
      (a, b) => Number(a) - Number(b),
    );
  const respondLevels = levels('respond');
  const resolveLevels = levels('resolve');
  const header = [
    report.groupBy,
    'tickets',
    'open',
    'closed',
    'cancelled',
    'respond_measured',
    'respond_on_time',
    'respond_on_time_rate',
    'resolve_measured',
    'resolve_on_time',
    'resolve_on_time_rate',
    'accept_p50_s',
    'accept_p90_s',
    'resolve_p50_s',
    'resolve_p90_s',
    ...respondLevels.map((l) => `escalations_respond_l${l}`),
    ...resolveLevels.map((l) => `escalations_resolve_l${l}`),
    'resolved',
    'reopened',
    'reopen_rate',
    'surveys',
    'survey_responses',
    'survey_response_rate',
    'ratings',
    'rating_average',
    'rating_1',
    'rating_2',
    'rating_3',
    'rating_4',
    'rating_5',
  ];
  const body = rows.map((r) => [
    r.key ?? '',
    r.tickets,
    r.open,
    r.closed,
    r.cancelled,
    r.respond.measured,
    r.respond.onTime,
    r.respond.onTimeRate ?? '',
    r.resolve.measured,
    r.resolve.onTime,
    r.resolve.onTimeRate ?? '',
    r.timeToAccept.p50 ?? '',
    r.timeToAccept.p90 ?? '',
    r.timeToResolve.p50 ?? '',
    r.timeToResolve.p90 ?? '',
    ...respondLevels.map((l) => r.escalations.respond[l] ?? 0),
    ...resolveLevels.map((l) => r.escalations.resolve[l] ?? 0),
    r.reopen.resolved,
    r.reopen.reopened,
    r.reopen.rate ?? '',
    r.satisfaction.surveys,
    r.satisfaction.responses,
    r.satisfaction.responseRate ?? '',
    r.satisfaction.ratings,
    r.satisfaction.average ?? '',
    ...(['1', '2', '3', '4', '5'] as const).map((k) => r.satisfaction.distribution[k]),
  ]);
  return { header, rows: body };
}
