import { Router } from 'express';
import { authorize } from '../http/authz-middleware';
import type { ApiDeps } from '../deps';
import {
  addLocation,
  deactivateLocation,
  listLocations,
  LocationCode,
  LocationListQuery,
  locationQrPng,
  NewLocationBody,
  requireLocation,
} from './locations-service';
import { parse } from '../http/validate';

/** Locations and their QR codes; who may do what is the authorization matrix's (domain/authz.ts). */
export function locationsRouter(deps: ApiDeps): Router {
  const router = Router();
  const code = (raw: unknown) => parse(LocationCode, raw, 'location code');

  router.get('/', authorize('locations.list'), async (req, res) => {
    const filter = parse(LocationListQuery, req.query, 'query');
    const active = filter.active == null ? undefined : filter.active === 'true';
    res.json({ items: await listLocations(deps.pool, { building: filter.building ?? undefined, active }) });
  });

  router.post('/', authorize('locations.create'), async (req, res) => {
    const location = await addLocation(deps.pool, parse(NewLocationBody, req.body));
    res.status(201).location(`/api/locations/${location.code}`).json(location);
  });

  router.post('/:code/deactivate', authorize('locations.deactivate'), async (req, res) => {
    res.json(await deactivateLocation(deps.pool, code(req.params.code)));
  });

  router.get('/:code/qr.png', authorize('locations.qr'), async (req, res) => {
    const location = await requireLocation(deps.pool, code(req.params.code));
    const png = await locationQrPng(deps.config.publicUrl, location.code);
    res.type('image/png').set('Cache-Control', 'private, max-age=300').send(png);
  });

  return router;
}
