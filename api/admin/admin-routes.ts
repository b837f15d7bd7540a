import { Router, type Response } from 'express';
import {
  Code,
  NewApiTokenBody,
  NewStaffBody,
  NewTeamBody,
  NewUnitBody,
  ShiftsBody,
  StaffPatchBody,
  TeamPatchBody,
  TokenId,
  UnitPatchBody,
  Username,
} from './admin-schemas';
import * as admin from './admin-service';
import { listApiTokens, revokeApiToken } from '../../db/repositories/api-tokens';
import { authorize } from '../http/authz-middleware';
import { callerOf } from '../http/caller';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';
import { parse } from '../http/validate';

const signedIn = (res: Response) => {
  const account = callerOf(res).staff;
  if (!account) throw AppError.unauthorized();
  return account;
};

/** Staff accounts, teams, service units, skills, rosters and integration tokens; admins only. */
export function adminRouter(deps: ApiDeps): Router {
  const { pool } = deps;
  const router = Router();
  const username = (raw: unknown) => parse(Username, raw, 'username');
  const code = (raw: unknown) => parse(Code, raw, 'code');

  router.get('/staff', authorize('admin.staff.list'), async (_req, res) => {
    res.json({ items: await admin.listStaff(pool) });
  });
  router.post('/staff', authorize('admin.staff.create'), async (req, res) => {
    res.status(201).json(await admin.createStaff(pool, parse(NewStaffBody, req.body)));
  });
  router.patch('/staff/:username', authorize('admin.staff.update'), async (req, res) => {
    const patch = parse(StaffPatchBody, req.body);
    res.json(await admin.updateStaff(pool, signedIn(res), username(req.params.username), patch));
  });
  router.get('/staff/:username/shifts', authorize('admin.shifts.get'), async (req, res) => {
    res.json({ shifts: await admin.getShifts(pool, username(req.params.username)) });
  });
  router.put('/staff/:username/shifts', authorize('admin.shifts.put'), async (req, res) => {
    const { shifts } = parse(ShiftsBody, req.body);
    res.json({ shifts: await admin.putShifts(pool, username(req.params.username), shifts) });
  });

  router.get('/teams', authorize('admin.teams.list'), async (_req, res) => {
    res.json({ items: await admin.listTeams(pool) });
  });
  router.post('/teams', authorize('admin.teams.create'), async (req, res) => {
    res.status(201).json(await admin.createTeam(pool, parse(NewTeamBody, req.body)));
  });
  router.patch('/teams/:code', authorize('admin.teams.update'), async (req, res) => {
    const patch = parse(TeamPatchBody, req.body);
    res.json(await admin.updateTeam(pool, code(req.params.code), patch));
  });

  router.get('/units', authorize('admin.units.list'), async (_req, res) => {
    res.json({ items: await admin.listUnits(pool) });
  });
  router.post('/units', authorize('admin.units.create'), async (req, res) => {
    res.status(201).json(await admin.createUnit(pool, parse(NewUnitBody, req.body)));
  });
  router.patch('/units/:code', authorize('admin.units.update'), async (req, res) => {
    const patch = parse(UnitPatchBody, req.body);
    res.json(await admin.updateUnit(pool, code(req.params.code), patch));
  });

  router.get('/skills', authorize('admin.skills.list'), async (_req, res) => {
    res.json({ items: await admin.listSkills(pool) });
  });

  router.get('/api-tokens', authorize('admin.tokens.list'), async (_req, res) => {
    res.json({ items: await listApiTokens(pool) });
  });
  router.post('/api-tokens', authorize('admin.tokens.create'), async (req, res) => {
    res.status(201).json(await admin.createApiToken(pool, signedIn(res), parse(NewApiTokenBody, req.body)));
  });
  router.delete('/api-tokens/:id', authorize('admin.tokens.revoke'), async (req, res) => {
    const id = parse(TokenId, req.params.id, 'token id');
    const revoked = await revokeApiToken(pool, id);
    if (!revoked) throw AppError.notFound(`No API token ${id}.`);
    res.json(revoked);
  });
  return router;
}
