import type { Pool } from 'pg';

/** A read-model row as tests need it; what is left out gets a plain default. */
export interface RowSpec {
  number: string;
  status?: string;
  priority?: string;
  category?: string;
  building?: string;
  locationCode?: string;
  owner?: string | null;
  unit?: string | null;
  team?: string | null;
  assignee?: string | null;
  breached?: boolean;
  requesterEmail?: string;
  submittedAt: string;
  acceptedAfterS?: number;
  resolvedAfterS?: number;
  respondBreached?: boolean;
  resolveBreached?: boolean;
  reopenCount?: number;
  rating?: number | null;
  escalations?: { clock: 'respond' | 'resolve'; level: number }[];
  surveys?: { outcome: 'confirmed' | 'rejected' | 'expired'; rating?: number }[];
}

const plus = (iso: string, seconds: number | undefined): string | null =>
  seconds == null ? null : new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** Writes tickets (and their escalation events and survey answers) straight into the read model. */
export async function insertReadModel(pool: Pool, specs: RowSpec[]): Promise<void> {
  for (const t of specs) {
    const staff = (username: string | null | undefined) =>
      username ? { username, name: username, badge: `B-${username}`, unit: t.unit ?? 'nic' } : null;
    const view = {
      location: {
        code: t.locationCode ?? 'IH-2-301',
        campus: '主校区',
        building: t.building ?? '信息楼',
        floor: '3',
        room: '301',
      },
      owner: staff(t.owner),
      assignee: staff(t.assignee ?? t.owner),
      deadlines: { respond: null, resolve: null },
    };
    const state = { breached: { respond: t.respondBreached ?? false, resolve: t.resolveBreached ?? false } };
    const escalations = t.escalations ?? [];
    await pool.query(
      `INSERT INTO tickets (number, status, priority, category, location_code, building, description, requester,
         assignee_username, owner_username, team_code, owner_unit_code, respond_level, resolve_level, breached,
         submitted_at, accepted_at, resolved_at, closed_at, cancelled_at, rating, reopen_count, last_seq, state, view)
       VALUES ($1,$2,$3,$4,$5,$6,'seeded',$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
      [
        t.number,
        t.status ?? 'closed',
        t.priority ?? 'P3',
        t.category ?? 'network',
        t.locationCode ?? 'IH-2-301',
        t.building ?? '信息楼',
        JSON.stringify({
          name: '测试',
          lang: 'zh-CN',
          ...(t.requesterEmail ? { email: t.requesterEmail } : {}),
        }),
        t.assignee ?? t.owner ?? null,
        t.owner ?? null,
        t.team ?? null,
        t.owner ? (t.unit ?? 'nic') : null,
        Math.max(0, ...escalations.filter((e) => e.clock === 'respond').map((e) => e.level)),
        Math.max(0, ...escalations.filter((e) => e.clock === 'resolve').map((e) => e.level)),
        t.breached ?? ((t.respondBreached ?? false) || (t.resolveBreached ?? false)),
        t.submittedAt,
        plus(t.submittedAt, t.acceptedAfterS),
        plus(t.submittedAt, t.resolvedAfterS),
        t.status === 'closed' || t.status == null ? plus(t.submittedAt, (t.resolvedAfterS ?? 0) + 60) : null,
        t.status === 'cancelled' ? plus(t.submittedAt, 3600) : null,
        t.rating ?? null,
        t.reopenCount ?? 0,
        escalations.length + 1,
        JSON.stringify(state),
        JSON.stringify(view),
      ],
    );
    for (const [i, e] of escalations.entries()) {
      await pool.query(
        `INSERT INTO ticket_events (ticket_number, seq, type, at, actor, data) VALUES ($1, $2, 'escalated', $3, NULL, $4)`,
        [t.number, i + 1, t.submittedAt, JSON.stringify({ clock: e.clock, level: e.level })],
      );
    }
    for (const [i, s] of (t.surveys ?? []).entries()) {
      await pool.query(
        'INSERT INTO survey_answers (ticket_number, round, outcome, rating, answered_at) VALUES ($1, $2, $3, $4, $5)',
        [t.number, i + 1, s.outcome, s.rating ?? null, t.submittedAt],
      );
    }
  }
}
