import fc from 'fast-check';
import Handlebars from 'handlebars';
import { PageClient } from '../pages/page-client';
import { eventually, http, loginAs, startTestDesk, type HttpResult, type TestDesk } from '../support/desk';

/*
 * Property test: hostile Unicode at every text field of every write endpoint, and at the query filters and
 * path parameters. Each answer is either a 4xx whose `errors[]` names the field, or an acceptance whose
 * text comes back (or renders) exactly as the text rule says. Accepted reports must reach `assigned`: a
 * NUL that slips through to PostgreSQL leaves its ticket `submitted` for ever, and that check catches it.
 *
 * The oracle below restates the rule from the issue, independently of domain/text.ts.
 */

// C0 but tab, LF and CR (CR is a line break), DEL, C1; with the u flag, only lone surrogates match the range.
const REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDFFF]/u;
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u;
const stored = (v: string): string => v.replace(/\r\n?/g, '\n').normalize('NFC').trim();
const isBlank = (v: string): boolean => INVISIBLE_ONLY.test(stored(v));
/** What a form or URL can carry: browsers (and undici) send lone surrogates as U+FFFD. */
const wellFormed = (v: string): string => v.replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
const esc = (v: string): string => Handlebars.escapeExpression(v);
/** The longest prefix of whole code points within `max` UTF-16 units. */
function fit(v: string, max: number): string {
  let out = '';
  for (const ch of v) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
/** A `<script` that is not the layout's own `<script src="/static/…">`. */
const FOREIGN_SCRIPT = /<script(?! src="\/static\/)/i;

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const VALIDATION_RUNS = 1500;
const PAGE_RUNS = 200;
const FOLLOW_RUNS = 25;

// ---------------------------------------------------------------------------------------------- generators
const char = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));
/** What the rule refuses: NUL, other C0 and C1 controls, DEL, lone surrogates. */
const refusedAtom = fc.oneof(
  fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b'),
  char(0x00, 0x1f),
  char(0x7f, 0x9f),
  char(0xd800, 0xdfff),
);
/** What the rule keeps, however odd: RTL overrides, zero-width and other invisibles, emoji, markup. */
const keptAtom = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('网络断开', '投影仪无信号', '信息楼', '한국어', 'ひらがな', '中文 '),
  },
  { weight: 2, arbitrary: fc.constantFrom('\u202e', '\u202d', '\u2066', '\u2069', '\u200f', '\u061c') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u200b',
      '\u200c',
      '\u200d',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u3164',
      '\ufe0f',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(' ', '\u3000', '\t', '\n', '\r\n', '\r', '\u00a0') },
  { weight: 2, arbitrary: fc.constantFrom('😀', '🧑‍🔧', '👍🏽', '🇨🇳', '𠀀', '𝄞') },
  { weight: 1, arbitrary: fc.constantFrom('e\u0301', 'A\u030a', '\u1100\u1161', 'n\u0303') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '"\'&<>`=',
      '{{constructor}}',
      "'; DROP TABLE tickets;--",
    ),
  },
  // Any code point at all, controls included.
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
);
const atom = fc.oneof({ weight: 6, arbitrary: keptAtom }, { weight: 1, arbitrary: refusedAtom });
const shortText = fc.oneof(
  fc.array(atom, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(keptAtom, { maxLength: 12 }).map((parts) => parts.join('')),
);
/** Long text cut at exactly `n` UTF-16 units: around the 2,000-character limit, or 10,000. */
const longText = fc
  .tuple(fc.array(atom, { minLength: 1, maxLength: 4 }), fc.constantFrom(1999, 2000, 2001, 10_000))
  .map(([parts, n]) => {
    const unit = parts.join('') || 'x';
    return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  });
const hostileText = fc.oneof({ weight: 12, arbitrary: shortText }, { weight: 1, arbitrary: longText });
/** Nasty but acceptable: markup, bidi, emoji, CJK, zero-width, with something visible. */
const nastyText = fc
  .array(
    fc.oneof(
      fc.constantFrom('<script>alert(1)</script>', '<b onmouseover=x>', '"\'&<>`=', '{{x}}'),
      fc.constantFrom('\u202e', '\u200b', '\u200d', '\ufeff', '\u00ad'),
      fc.constantFrom('😀', '🧑‍🔧', '𠀀', '网络', '教室', 'e\u0301', '\r\n'),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => `${parts.join('')}报修`);

// ------------------------------------------------------------------------------------------------ targets
type Body = Record<string, unknown> & { errors?: { field: string; message: string }[] };
type Answer = HttpResult<Body>;
interface Receipt {
  number: string;
  trackingToken: string;
}

interface Target {
  name: string;
  /** The field as `errors[]` names it. */
  field: string;
  /** free: text under the rule with a length limit; pattern: a code or address with its own format. */
  kind: 'free' | 'pattern';
  max?: number;
  /** Blank is allowed (stored as nothing). */
  optional?: boolean;
  /** How the value travels: JSON keeps lone surrogates, a URL cannot. */
  transport: 'json' | 'url';
  /** Other 4xx a clean value may meet (state of the ticket, an unknown reference, a login refusal). */
  otherwise?: number[];
  send(v: string, n: number): Promise<Answer>;
  /** For a 2xx: the value as the desk kept it. */
  echo?(body: Record<string, unknown>): unknown;
}

interface Tally {
  cases: number;
  refused: number;
  accepted: number;
  other: number;
}

describe('hostile Unicode at every text field, against a real desk', () => {
  let desk: TestDesk;
  const tokens: Record<string, string> = {};
  const tally = new Map<string, Tally>();
  /** Reports the desk accepted during the properties, with the text sent: each must reach `assigned`. */
  const accepted: { number: string; description: string; name: string }[] = [];
  let noteTicket = '';
  let techTicket = { number: '', token: '', trackingToken: '' };
  let requesterTicket = { number: '', trackingToken: '' };
  let serial = 0;
  const started = Date.now();

  const count = (name: string, outcome: 'refused' | 'accepted' | 'other') => {
    const t = tally.get(name) ?? { cases: 0, refused: 0, accepted: 0, other: 0 };
    t.cases += 1;
    t[outcome] += 1;
    tally.set(name, t);
  };

  const submitReport = async (body: {
    description: string;
    requester: { name: string };
    [k: string]: unknown;
  }) => {
    const res = (await call('POST', '/api/tickets', { body })) as HttpResult<Body & Receipt>;
    if (res.status === 201)
      accepted.push({ number: res.body.number, description: body.description, name: body.requester.name });
    return res;
  };

  const call = (
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => http<Body>(desk, method, path, options);

  const waitAssigned = (number: string, trackingToken: string) =>
    eventually(
      () =>
        http<{ status: string }>(desk, 'GET', `/api/tickets/${number}`, {
          headers: { 'x-tracking-token': trackingToken },
        }),
      (r) => r.status === 200 && r.body.status === 'assigned',
      15_000,
    );

  beforeAll(async () => {
    desk = await startTestDesk();
    for (const name of ['admin', 'manager']) tokens[name] = await loginAs(desk, name);
    const valid = {
      locationCode: 'IH-2-301',
      category: 'network',
      description: '属性测试',
      requester: { name: '测试' },
    };
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() =>
        http<{ number: string; trackingToken: string }>(desk, 'POST', '/api/tickets', { body: valid }),
      ),
    );
    const [assignedB] = await Promise.all([
      eventually(
        () =>
          desk.db.pool.query<{ assignee_username: string | null }>(
            'SELECT assignee_username FROM tickets WHERE number = $1',
            [b.body.number],
          ),
        (r) => r.rows[0]?.assignee_username != null,
      ),
      waitAssigned(a.body.number, a.body.trackingToken),
      waitAssigned(c.body.number, c.body.trackingToken),
    ]);
    noteTicket = a.body.number;
    const assignee = assignedB.rows[0].assignee_username ?? '';
    techTicket = {
      number: b.body.number,
      token: await loginAs(desk, assignee),
      trackingToken: b.body.trackingToken,
    };
    requesterTicket = { number: c.body.number, trackingToken: c.body.trackingToken };
    const fz = await http(desk, 'POST', '/api/admin/staff', {
      token: tokens.admin,
      body: {
        username: 'fzstaff',
        name: '属性',
        badge: 'FZ-0000',
        unitCode: 'nic',
        roles: ['technician'],
        password: 'a-long-password',
      },
    });
    expect(fz.status).toBe(201);
  });

  afterAll(async () => {
    const rows = [...tally].map(
      ([name, t]) =>
        `  ${name.padEnd(34)} ${t.cases} cases: ${t.refused} refused, ${t.accepted} accepted, ${t.other} other`,
    );
    const total = [...tally.values()].reduce(
      (sum, t) => ({
        cases: sum.cases + t.cases,
        refused: sum.refused + t.refused,
        accepted: sum.accepted + t.accepted,
        other: sum.other + t.other,
      }),
      { cases: 0, refused: 0, accepted: 0, other: 0 },
    );
    // The run's numbers, for the CI log (and the closing note).
    console.log(
      [
        `hostile-text: seed ${SEED}, ${total.cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s:` +
          ` ${total.refused} refused (4xx naming the field), ${total.accepted} accepted, ${total.other} other 4xx;` +
          ` ${accepted.length} reports accepted and followed to assigned`,
        ...rows,
      ].join('\n'),
    );
    await desk?.close();
  });

  const submit = (patch: (v: string) => Record<string, unknown>) => (v: string) =>
    submitReport({
      locationCode: 'IH-2-301',
      category: 'network',
      description: '教室网络断开',
      requester: { name: '张老师' },
      ...patch(v),
    });
  const action =
    (
      who: () => { token?: string; trackingToken?: string },
      number: () => string,
      name: string,
      build: (v: string) => unknown,
    ) =>
    (v: string) => {
      const { token, trackingToken } = who();
      return call('POST', `/api/tickets/${number()}/${name}`, {
        token,
        headers: trackingToken ? { 'x-tracking-token': trackingToken } : {},
        body: build(v),
      });
    };
  const asTech = () => ({ token: techTicket.token });
  const asManager = () => ({ token: tokens.manager });
  const asRequester = () => ({ trackingToken: requesterTicket.trackingToken });
  const query =
    (path: string, name: string, token = () => tokens.manager) =>
    (v: string) =>
      call('GET', `${path}?${new URLSearchParams({ [name]: v }).toString()}`, {
        token: token(),
      });
  const STATE = [403, 409, 422];

  /** A free-text field of a lifecycle action: kept or refused by the text rule, or refused by the ticket's state. */
  const actionText = (name: string, field: string, max: number, send: Target['send']): Target => ({
    name,
    field,
    kind: 'free',
    max,
    transport: 'json',
    otherwise: STATE,
    send,
  });

  const TARGETS: Target[] = [
    {
      name: 'submit description',
      field: 'description',
      kind: 'free',
      max: 2000,
      transport: 'json',
      send: submit((v) => ({ description: v })),
    },
    {
      name: 'submit requester.name',
      field: 'requester.name',
      kind: 'free',
      max: 50,
      transport: 'json',
      send: submit((v) => ({ requester: { name: v } })),
    },
    {
      name: 'submit requester.phone',
      field: 'requester.phone',
      kind: 'pattern',
      transport: 'json',
      send: submit((v) => ({ requester: { name: '张老师', phone: v } })),
    },
    {
      name: 'submit requester.email',
      field: 'requester.email',
      kind: 'pattern',
      transport: 'json',
      send: submit((v) => ({ requester: { name: '张老师', email: v } })),
    },
    {
      name: 'submit locationCode',
      field: 'locationCode',
      kind: 'pattern',
      transport: 'json',
      send: submit((v) => ({ locationCode: v })),
    },
    {
      name: 'submit category',
      field: 'category',
      kind: 'pattern',
      transport: 'json',
      send: submit((v) => ({ category: v })),
    },
    actionText(
      'note note',
      'note',
      2000,
      action(
        asManager,
        () => noteTicket,
        'note',
        (v) => ({ note: v }),
      ),
    ),
    actionText(
      'priority reason',
      'reason',
      500,
      action(
        asManager,
        () => noteTicket,
        'priority',
        (v) => ({ priority: 'P3', reason: v }),
      ),
    ),
    actionText(
      'transfer reason',
      'reason',
      500,
      action(
        asManager,
        () => noteTicket,
        'transfer',
        (v) => ({ team: 'net', reason: v }),
      ),
    ),
    {
      name: 'transfer to',
      field: 'to',
      kind: 'pattern',
      transport: 'json',
      otherwise: STATE,
      send: action(
        asManager,
        () => noteTicket,
        'transfer',
        (v) => ({ to: v, reason: '转派' }),
      ),
    },
    actionText(
      'decline reason',
      'reason',
      500,
      action(
        asTech,
        () => techTicket.number,
        'decline',
        (v) => ({ reason: v }),
      ),
    ),
    actionText(
      'pause reason',
      'reason',
      500,
      action(
        asTech,
        () => techTicket.number,
        'pause',
        (v) => ({ reason: v }),
      ),
    ),
    actionText(
      'resume reason',
      'reason',
      500,
      action(
        asTech,
        () => techTicket.number,
        'resume',
        (v) => ({ reason: v }),
      ),
    ),
    actionText(
      'resolve resolution',
      'resolution',
      2000,
      action(
        asTech,
        () => techTicket.number,
        'resolve',
        (v) => ({ resolution: v }),
      ),
    ),
    actionText(
      'reject reason',
      'reason',
      500,
      action(
        asRequester,
        () => requesterTicket.number,
        'reject',
        (v) => ({ reason: v }),
      ),
    ),
    actionText(
      'confirm comment',
      'comment',
      1000,
      action(
        asRequester,
        () => requesterTicket.number,
        'confirm',
        (v) => ({ rating: 4, comment: v }),
      ),
    ),
    actionText(
      'cancel reason',
      'reason',
      500,
      action(
        asRequester,
        () => requesterTicket.number,
        'cancel',
        (v) => ({ reason: v }),
      ),
    ),
    {
      name: 'admin staff name (patch)',
      field: 'name',
      kind: 'free',
      max: 50,
      transport: 'json',
      send: (v) => call('PATCH', '/api/admin/staff/fzstaff', { token: tokens.admin, body: { name: v } }),
      echo: (b) => b.name,
    },
    {
      name: 'admin team name',
      field: 'name',
      kind: 'free',
      max: 50,
      transport: 'json',
      send: (v, n) =>
        call('POST', '/api/admin/teams', {
          token: tokens.admin,
          body: { code: `fzt${n}`, name: v, nameEn: 'Team', unitCode: 'nic' },
        }),
      echo: (b) => b.name,
    },
    {
      name: 'admin team nameEn',
      field: 'nameEn',
      kind: 'free',
      max: 100,
      transport: 'json',
      send: (v, n) =>
        call('POST', '/api/admin/teams', {
          token: tokens.admin,
          body: { code: `fzt${n}`, name: '组', nameEn: v, unitCode: 'nic' },
        }),
      echo: (b) => b.nameEn,
    },
    {
      name: 'admin unit name',
      field: 'name',
      kind: 'free',
      max: 50,
      transport: 'json',
      send: (v, n) =>
        call('POST', '/api/admin/units', {
          token: tokens.admin,
          body: { code: `fzu${n}`, name: v, nameEn: 'Unit', kind: 'vendor' },
        }),
      echo: (b) => b.name,
    },
    {
      name: 'admin api-token name',
      field: 'name',
      kind: 'free',
      max: 100,
      transport: 'json',
      send: (v) =>
        call('POST', '/api/admin/api-tokens', {
          token: tokens.admin,
          body: { name: v, username: 'disp1', scopes: ['tickets:read'] },
        }),
      echo: (b) => b.name,
    },
    {
      name: 'admin staff badge',
      field: 'badge',
      kind: 'pattern',
      transport: 'json',
      otherwise: [409],
      send: (v) => call('PATCH', '/api/admin/staff/fzstaff', { token: tokens.admin, body: { badge: v } }),
    },
    ...(['campus', 'building'] as const).map((f): Target => ({
      name: `location ${f}`,
      field: f,
      kind: 'free',
      max: 50,
      transport: 'json',
      send: (v, n) =>
        call('POST', '/api/locations', {
          token: tokens.admin,
          body: { code: `FZ-${n}`, campus: '主校区', building: '楼', zone: 'north', kind: 'office', [f]: v },
        }),
      echo: (b) => b[f],
    })),
    ...(
      [
        ['floor', 20],
        ['room', 50],
      ] as const
    ).map(([f, max]): Target => ({
      name: `location ${f}`,
      field: f,
      kind: 'free',
      max,
      optional: true,
      transport: 'json',
      send: (v, n) =>
        call('POST', '/api/locations', {
          token: tokens.admin,
          body: { code: `FZ-${n}`, campus: '主校区', building: '楼', zone: 'north', kind: 'office', [f]: v },
        }),
      echo: (b) => b[f] ?? '',
    })),
    {
      name: 'location code',
      field: 'code',
      kind: 'pattern',
      transport: 'json',
      send: (v) =>
        call('POST', '/api/locations', {
          token: tokens.admin,
          body: { code: v, campus: '主校区', building: '楼', zone: 'north', kind: 'office' },
        }),
    },
    {
      name: 'login username',
      field: 'username',
      kind: 'pattern',
      transport: 'json',
      otherwise: [401, 429],
      send: (v) => call('POST', '/api/auth/login', { body: { username: v, password: 'not-the-password' } }),
    },
    {
      name: 'filter tickets building',
      field: 'building',
      kind: 'free',
      max: 100,
      transport: 'url',
      send: query('/api/tickets', 'building'),
    },
    ...(['status', 'category', 'owner', 'unit', 'priority', 'from', 'page'] as const).map((f): Target => ({
      name: `filter tickets ${f}`,
      field: f,
      kind: 'pattern',
      transport: 'url',
      send: query('/api/tickets', f),
    })),
    {
      name: 'filter locations building',
      field: 'building',
      kind: 'free',
      max: 50,
      optional: true,
      transport: 'url',
      send: query('/api/locations', 'building'),
    },
    {
      name: 'filter reports groupBy',
      field: 'groupBy',
      kind: 'pattern',
      transport: 'url',
      send: query('/api/reports/sla', 'groupBy'),
    },
    {
      name: 'path ticket id',
      field: 'path',
      kind: 'pattern',
      transport: 'url',
      otherwise: [400, 404],
      send: (v) => call('GET', `/api/tickets/${encodeURIComponent(v)}`, { token: tokens.manager }),
    },
    {
      name: 'path location code',
      field: 'path',
      kind: 'pattern',
      transport: 'url',
      otherwise: [400, 404],
      send: (v) => call('GET', `/api/locations/${encodeURIComponent(v)}/qr.png`, { token: tokens.manager }),
    },
  ];

  /** The oracle: what the desk must answer for `v` at `target`. */
  function judge(
    target: Target,
    v: string,
    res: Answer,
    sentBytes: number,
  ): 'refused' | 'accepted' | 'other' {
    const fields = (res.body.errors ?? []).map((e) => e.field);
    const ctx = `${target.name} ← ${JSON.stringify(v.slice(0, 200))}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`5xx: ${ctx}`);
    if (target.transport === 'json' && sentBytes > 64 * 1024) {
      if (res.status !== 413) throw new Error(`expected 413 for a body over 64 kB: ${ctx}`);
      return 'refused';
    }
    const named = res.status === 400 && fields.includes(target.field);
    if (REFUSED.test(v)) {
      if (!named) throw new Error(`expected 400 naming ${target.field}: ${ctx}`);
      return 'refused';
    }
    if (target.kind === 'free') {
      const kept = stored(v);
      const blank = isBlank(v);
      // Limits count characters (code points), as zod does: an emoji of two UTF-16 units is one.
      if ((blank && !target.optional) || (!blank && [...kept].length > (target.max ?? Infinity))) {
        if (!named) throw new Error(`expected 400 naming ${target.field} (blank or too long): ${ctx}`);
        return 'refused';
      }
      if (res.status >= 300 && !(target.otherwise ?? []).includes(res.status))
        throw new Error(`expected acceptance: ${ctx}`);
      if (res.status < 300 && target.echo && target.echo(res.body) !== (blank ? '' : kept))
        throw new Error(`expected the desk to keep ${JSON.stringify(kept)}: ${ctx}`);
      return res.status < 300 ? 'accepted' : 'other';
    }
    if (res.status < 300) return 'accepted';
    if (named) return 'refused';
    if (res.status >= 400 && res.status < 500 && (target.otherwise ?? []).includes(res.status))
      return 'other';
    if (res.status === 422 && fields.includes(target.field)) return 'refused';
    throw new Error(`expected a 4xx naming ${target.field}: ${ctx}`);
  }

  test(`when ${VALIDATION_RUNS} hostile strings hit the API's text fields, filters and paths, then each is refused naming its field or kept as the rule says`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), hostileText, async (target, raw) => {
        const v = target.transport === 'url' ? wellFormed(raw.slice(0, 300)) : raw;
        serial += 1;
        const res = await target.send(v, serial);
        count(target.name, judge(target, v, res, Buffer.byteLength(JSON.stringify(v))));
      }),
      { numRuns: VALIDATION_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 120_000);

  test('when a report holds hostile text in several fields at once, then every refused field is named', async () => {
    const fields = {
      description: hostileText,
      name: shortText,
      phone: fc.oneof(fc.constant('13800000000'), shortText),
      email: fc.oneof(fc.constant('a@example.edu'), shortText),
    };
    await fc.assert(
      fc.asyncProperty(fc.record(fields), async ({ description, name, phone, email }) => {
        const report = {
          locationCode: 'IH-2-301',
          category: 'network',
          description,
          requester: { name, phone, email },
        };
        const res = await submitReport(report);
        const named = new Set((res.body.errors ?? []).map((e) => e.field));
        const refused = Object.entries({
          description,
          'requester.name': name,
          'requester.phone': phone,
          'requester.email': email,
        })
          .filter(([, v]) => REFUSED.test(v))
          .map(([f]) => f);
        if (Buffer.byteLength(JSON.stringify(report)) > 64 * 1024) {
          expect(res.status).toBe(413);
          return void count('submit, several fields', 'refused');
        }
        expect(res.status).toBeLessThan(500);
        for (const f of refused) expect([res.status, f, named.has(f)]).toEqual([400, f, true]);
        if (res.status !== 201) expect(named.size).toBeGreaterThan(0);
        count('submit, several fields', res.status === 201 ? 'accepted' : 'refused');
      }),
      { numRuns: 100, seed: SEED, endOnFailure: true },
    );
  }, 60_000);

  test(`when ${PAGE_RUNS} hostile strings are posted through the pages' forms and filters, then a 400 page names the field or the form goes on`, async () => {
    const manager = new PageClient(desk);
    await manager.post('/staff/login', '/staff/login', { username: 'admin', password: 'demo-password' });
    const requester = new PageClient(desk);
    const noteForm = `/staff/tickets/${noteTicket}`;
    const reportForm = async (fields: Record<string, string>) => {
      const sent = { category: 'network', description: '网络断开', name: '王老师', ...fields };
      const form = new FormData();
      for (const [k, v] of Object.entries(sent)) form.set(k, v);
      const res = await requester.post('/r/IH-2-301', '/r/IH-2-301', form);
      const number = /^\/t\/(R\d{4}-\d{6})\/receipt\?token=[\w-]+$/.exec(res.location ?? '')?.[1];
      if (number) accepted.push({ number, description: sent.description, name: sent.name });
      return res;
    };
    const pageTargets = [
      {
        name: 'page report description',
        field: 'description',
        ok: [303, 422],
        send: (v: string) => reportForm({ description: v }),
      },
      {
        name: 'page report name',
        field: 'name',
        ok: [303, 422],
        send: (v: string) => reportForm({ name: v }),
      },
      {
        name: 'page staff note',
        field: 'note',
        ok: [303, 422],
        send: (v: string) => manager.post(noteForm, `${noteForm}/note`, { note: v }),
      },
      {
        name: 'page location building',
        field: 'building',
        ok: [303, 409, 422],
        send: (v: string) =>
          manager.post('/manage/locations', '/manage/locations', {
            code: `FP-${(serial += 1)}`,
            campus: '主校区',
            building: v,
            zone: 'north',
            kind: 'office',
          }),
      },
      {
        name: 'page tickets filter',
        field: 'building',
        ok: [200],
        send: (v: string) =>
          manager.get(`/manage/tickets?${new URLSearchParams({ building: v }).toString()}`),
      },
      {
        name: 'page labels filter',
        field: 'building',
        ok: [200],
        send: (v: string) => manager.get(`/manage/labels?${new URLSearchParams({ building: v }).toString()}`),
      },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pageTargets), shortText, async (target, raw) => {
        const v = wellFormed(raw);
        const res = await target.send(v);
        const ctx = `${target.name} ← ${JSON.stringify(v)}: ${res.status}`;
        if (REFUSED.test(v)) {
          if (res.status !== 400 || !res.text.includes(`(${target.field})`))
            throw new Error(`expected a 400 page naming ${target.field}: ${ctx}`);
          return void count(target.name, 'refused');
        }
        if (!target.ok.includes(res.status))
          throw new Error(`expected one of ${target.ok.join(', ')}: ${ctx}`);
        if (FOREIGN_SCRIPT.test(res.text)) throw new Error(`raw <script on the page: ${ctx}`);
        count(target.name, res.status < 400 ? 'accepted' : 'refused');
      }),
      { numRuns: PAGE_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 60_000);

  test(`when ${FOLLOW_RUNS} nasty but acceptable reports are filed at a place with a nasty name, then each is assigned and renders escaped on /t, /staff and /manage`, async () => {
    const manager = new PageClient(desk);
    await manager.post('/staff/login', '/staff/login', { username: 'manager', password: 'demo-password' });
    await fc.assert(
      fc.asyncProperty(
        nastyText,
        nastyText,
        nastyText,
        nastyText,
        async (description, name, building, room) => {
          serial += 1;
          const code = `FT-${serial}`;
          const place = await http(desk, 'POST', '/api/locations', {
            token: tokens.admin,
            body: {
              code,
              campus: '主校区',
              building: fit(building, 50),
              room: fit(room, 50),
              zone: 'north',
              kind: 'classroom',
            },
          });
          expect(place.status).toBe(201);
          const res = await submitReport({
            locationCode: code,
            category: 'network',
            description,
            requester: { name: fit(name, 50) },
          });
          expect(res.status).toBe(201);
          const { number, trackingToken } = res.body;
          await waitAssigned(number, trackingToken);
          const shown = {
            description: stored(description),
            name: stored(fit(name, 50)),
            place: [stored(fit(building, 50)), stored(fit(room, 50))].join(' '),
          };
          const tracking = await requester(`/t/${number}?token=${trackingToken}`);
          const staff = await manager.get(`/staff/tickets/${number}`);
          const list = await manager.get(
            `/manage/tickets?${new URLSearchParams({ building: stored(fit(building, 50)) }).toString()}`,
          );
          for (const [page, must] of [
            [tracking, [shown.description]],
            [staff, [shown.description, shown.name]],
            [list, [shown.place, number]],
          ] as const) {
            expect(page.status).toBe(200);
            expect(page.text).not.toMatch(FOREIGN_SCRIPT);
            for (const text of must) expect(page.text).toContain(esc(text));
          }
          count('follow-through to pages', 'accepted');
        },
      ),
      { numRuns: FOLLOW_RUNS, seed: SEED, endOnFailure: true },
    );
    async function requester(path: string) {
      return new PageClient(desk).get(path);
    }
  }, 90_000);

  test('when the properties are done, then every report the desk accepted has reached assigned and kept its text as the rule says', async () => {
    expect(accepted.length).toBeGreaterThan(0);
    // A report whose opening step cannot write (a NUL reaching PostgreSQL) has no read-model row, or stays submitted.
    const read = async () =>
      (
        await desk.db.pool.query<{
          number: string;
          status: string | null;
          description: string;
          name: string;
        }>(
          `SELECT n.number, t.status, t.description, t.requester->>'name' AS name
             FROM unnest($1::text[]) AS n(number) LEFT JOIN tickets t USING (number)`,
          [accepted.map((a) => a.number)],
        )
      ).rows;
    const isStuck = (row: { status: string | null }) => row.status == null || row.status === 'submitted';
    const deadline = Date.now() + 20_000;
    let rows = await read();
    while (rows.some(isStuck) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = await read();
    }
    expect(rows.filter(isStuck)).toEqual([]);
    const kept = new Map(rows.map((row) => [row.number, { description: row.description, name: row.name }]));
    for (const report of accepted) {
      expect([report.number, kept.get(report.number)]).toEqual([
        report.number,
        { description: stored(report.description), name: stored(report.name) },
      ]);
    }
  }, 30_000);
});
