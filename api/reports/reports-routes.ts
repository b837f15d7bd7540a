import { Router } from 'express';
import { authorize } from '../http/authz-middleware';
import type { ApiDeps } from '../deps';
import { sendCsv } from '../http/csv';
import { slaReportTable } from './report-csv';
import { SlaReportQuery, slaReport } from './reports-service';
import { parse } from '../http/validate';

export function reportsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/sla', authorize('reports.sla'), async (req, res) => {
    const report = await slaReport(
      deps.pool,
      parse(SlaReportQuery, req.query, 'query string'),
      deps.policy.calendar.timezone,
    );
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      const { header, rows } = slaReportTable(report);
      await sendCsv(res, `sla-${report.groupBy}.csv`, header, rows);
    } else res.json(report);
  });
  return router;
}
