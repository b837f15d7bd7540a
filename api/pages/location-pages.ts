import { Router, type Request, type Response } from 'express';
import { decide, type OperationId } from '../../domain/authz';
import { placeName } from '../../domain/place';
import type { StaffActor } from '../../domain/ticket-types';
import { verifyCsrf } from '../http/csrf';
import { AppError } from '../http/errors';
import {
  addLocation,
  deactivateLocation,
  listBuildings,
  listLocations,
  LocationCode,
  locationQrDataUrl,
  locationQrPng,
  NewLocationBody,
  reportUrl,
  requireLocation,
} from '../locations/locations-service';
import { field, formBody, labelOr, pageT, requireManager, type PageDeps } from './context';

const may = (staff: StaffActor, op: OperationId): boolean =>
  decide(op, { signedIn: true, roles: staff.roles, scopes: null, tracking: false }) === 'allow';

/** `/manage/locations` (list, add, deactivate, QR codes) and `/manage/labels` (a printable sheet per building). */
export function locationPages(deps: PageDeps): Router {
  const router = Router();

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
          place: placeName(l),
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

  router.post('/manage/locations', formBody, verifyCsrf(deps.config), async (req, res) => {
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

  router.post('/manage/locations/:code/deactivate', formBody, verifyCsrf(deps.config), async (req, res) => {
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
