import { Router } from 'express';
import { authorize } from '../http/authz-middleware';
import type { ApiDeps } from '../deps';
import { slaReportCsv } from './report-csv';
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
      res.type('text/csv; charset=utf-8').attachment(`sla-${report.groupBy}.csv`).send(slaReportCsv(report));
    } else res.json(report);
  });
  return router;
}
