import { z } from 'zod';
import { ROLES, SCOPES } from '../../domain/authz';

/** What the admin endpoints answer (api/admin/), for the OpenAPI document. */

export const StaffAccount = z.looseObject({
  username: z.string(),
  name: z.string(),
  badge: z.string(),
  unitCode: z.string(),
  teamCode: z.string().nullable(),
  roles: z.array(z.enum(ROLES).or(z.string())),
  skills: z.array(z.string()),
  zones: z.array(z.string()),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  lang: z.string(),
  active: z.boolean(),
});
export const StaffList = z.looseObject({ items: z.array(StaffAccount) });
export const ShiftList = z.looseObject({
  shifts: z.array(z.looseObject({ weekday: z.int(), starts: z.string(), ends: z.string() })),
});
export const Team = z.looseObject({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  unitCode: z.string(),
});
export const TeamList = z.looseObject({ items: z.array(Team) });
export const Unit = z.looseObject({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.enum(['center', 'vendor']),
});
export const UnitList = z.looseObject({ items: z.array(Unit) });
export const SkillList = z.looseObject({
  items: z.array(
    z.looseObject({ skill: z.string(), categories: z.array(z.string()), staff: z.array(z.string()) }),
  ),
});
export const ApiTokenInfo = z.looseObject({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const ApiTokenList = z.looseObject({ items: z.array(ApiTokenInfo) });
export const IssuedApiToken = ApiTokenInfo.extend({
  token: z.string().meta({ description: 'Shown once; only its hash is stored' }),
});
