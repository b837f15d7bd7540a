import { z } from 'zod';
import { ROLES, SCOPES } from '../../domain/authz';
import { text } from '../http/text-schemas';

const code = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'is not a code (lower-case letters, digits, - and _)');
const tag = z.string().regex(/^[a-z*][a-z0-9_-]{0,39}$/, 'is not a skill or zone code');

export const Username = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{1,39}$/, 'is not a username (lower-case, 2 to 40 characters)')
  .meta({ examples: ['tech7'] });
export const Code = code.meta({ examples: ['net'] });
export const TokenId = z.string().regex(/^[1-9]\d{0,17}$/, 'is not a token id');

const staffFields = {
  name: text(50),
  badge: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,20}$/, 'is not a badge number')
    .meta({ examples: ['NIC-0240'] }),
  unitCode: code,
  teamCode: code.nullable(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  skills: z.array(tag).max(20),
  zones: z.array(tag).max(20),
  email: z.email('is not an email address').max(200).nullable(),
  phone: z
    .string()
    .regex(/^\+?[0-9 -]{5,20}$/, 'is not a phone number')
    .nullable(),
  lang: z.enum(['zh-CN', 'en']),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
};

export const NewStaffBody = z
  .strictObject({
    username: Username,
    ...staffFields,
    teamCode: staffFields.teamCode.optional(),
    skills: staffFields.skills.optional(),
    zones: staffFields.zones.optional(),
    email: staffFields.email.optional(),
    phone: staffFields.phone.optional(),
    lang: staffFields.lang.optional(),
  })
  .meta({
    examples: [
      {
        username: 'tech7',
        name: '孙工',
        badge: 'NIC-0240',
        unitCode: 'nic',
        teamCode: 'net',
        roles: ['technician'],
        skills: ['network'],
        zones: ['north'],
        password: 'a-long-password',
      },
    ],
  });
export type NewStaff = z.infer<typeof NewStaffBody>;

export const StaffPatchBody = z
  .strictObject({
    name: staffFields.name,
    badge: staffFields.badge,
    unitCode: staffFields.unitCode,
    teamCode: staffFields.teamCode,
    roles: staffFields.roles,
    skills: staffFields.skills,
    zones: staffFields.zones,
    email: staffFields.email,
    phone: staffFields.phone,
    lang: staffFields.lang,
    password: staffFields.password,
    active: z.boolean(),
  })
  .partial()
  .meta({ examples: [{ skills: ['network', 'av'], zones: ['*'] }] });
export type StaffPatch = z.infer<typeof StaffPatchBody>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is not a time like 08:00');
export const Shift = z.strictObject({
  weekday: z.number().int().min(1).max(7).meta({ description: 'ISO weekday: 1 is Monday' }),
  starts: hhmm,
  ends: hhmm.meta({ description: 'At or before `starts` means the shift crosses midnight' }),
});
export const ShiftsBody = z
  .strictObject({ shifts: z.array(Shift).max(50) })
  .meta({ examples: [{ shifts: [{ weekday: 1, starts: '08:00', ends: '18:00' }] }] });
export type Shifts = z.infer<typeof ShiftsBody>['shifts'];

export const NewTeamBody = z
  .strictObject({ code, name: text(50), nameEn: text(100), unitCode: code })
  .meta({ examples: [{ code: 'av', name: '音视频组', nameEn: 'AV team', unitCode: 'nic' }] });
export const TeamPatchBody = z.strictObject({ name: text(50), nameEn: text(100), unitCode: code }).partial();

export const NewUnitBody = z
  .strictObject({ code, name: text(50), nameEn: text(100), kind: z.enum(['center', 'vendor']) })
  .meta({ examples: [{ code: 'acme', name: '某某科技', nameEn: 'Acme Tech', kind: 'vendor' }] });
export const UnitPatchBody = z
  .strictObject({ name: text(50), nameEn: text(100), kind: z.enum(['center', 'vendor']) })
  .partial();

export const NewApiTokenBody = z
  .strictObject({
    name: text(100),
    username: Username.meta({ description: 'The account the integration acts as' }),
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((v) => {
        const year = new Date(v).getUTCFullYear();
        return year >= 1970 && year <= 9999;
      }, 'must be a date-time between 1970 and 9999')
      .nullable()
      .optional(),
  })
  .meta({ examples: [{ name: 'campus portal', username: 'disp1', scopes: ['tickets:read'] }] });
export type NewApiToken = z.infer<typeof NewApiTokenBody>;
