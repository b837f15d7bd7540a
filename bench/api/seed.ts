import type { Pool } from '../../db/pool';
import { parseSlaPolicy } from '../../domain/sla-policy';
import { openingStep } from '../../domain/ticket-machine';
import type { StaffRef, TicketInput } from '../../domain/ticket-types';
import { toView } from '../../domain/ticket-view';

/** Tickets are spread evenly over 2026 (one every ~31.5 s for a million), so a month holds about 1/12 of them. */
export const YEAR_START = '2026-01-01T00:00:00Z';
export const YEAR_SECONDS = 365 * 24 * 3600;

export const ticketNumber = (i: number): string => `R2026-${String(i).padStart(7, '0')}`;

const tech2: StaffRef = {
  username: 'tech2',
  name: '王工',
  badge: 'XW-0231',
  unit: '新路网络',
  unitCode: 'xinlu',
  teamCode: 'onsite',
};

/** A realistic state and view (from the domain's own functions) that every generated row is a variant of. */
function templates(): { state: string; view: string } {
  const policy = parseSlaPolicy({
    calendar: {
      timezone: 'Asia/Shanghai',
      workdays: [1, 2, 3, 4, 5],
      hours: ['08:00', '18:00'],
      holidays: [],
    },
    priorities: { P2: { respond: '30m', resolve: '8h', clock: '24x7' } },
    defaultPriority: 'P2',
    escalation: {
      respond: [{ after: '0s', notify: ['dispatcher'] }],
      resolve: [{ after: '0s', notify: ['owner'] }],
    },
    survey: { remindAfter: '1d', expireAfter: '3d' },
  });
  const input: TicketInput = {
    number: ticketNumber(0),
    submittedAt: YEAR_START,
    location: {
      code: 'IH-2-301',
      campus: '主校区',
      building: '信息楼',
      floor: '3',
      room: '301',
      zone: 'north',
      kind: 'classroom',
    },
    category: { code: 'network', name: '有线网络', nameEn: 'Wired network', skill: 'network' },
    description: '教室网络断开，投影也无法联网',
    requester: { name: '张老师', phone: '13800000000', lang: 'zh-CN' },
    priority: 'P2',
    policy,
  };
  const state = {
    ...openingStep(input).state,
    status: 'in_progress' as const,
    assignee: tech2,
    owner: tech2,
  };
  return {
    state: JSON.stringify(state),
    view: JSON.stringify(toView(state, policy, Date.parse(YEAR_START))),
  };
}

/**
 * Writes `count` tickets straight into the read model with generate_series: statuses, categories,
 * buildings, owners and breaches vary by row number; two events per ticket plus an escalation for the
 * breached, and a survey answer for a third of the closed.
 */
export async function seedReadModel(pool: Pool, count: number, log: (line: string) => void): Promise<void> {
  const { state, view } = templates();
  const step = YEAR_SECONDS / count;
  const started = Date.now();
  await pool.query('SET statement_timeout = 0');
  await pool.query(
    `INSERT INTO tickets (number, status, priority, category, location_code, building, description, requester,
       assignee_username, owner_username, team_code, owner_unit_code, respond_level, resolve_level, breached,
       submitted_at, accepted_at, resolved_at, closed_at, cancelled_at, rating, reopen_count, last_seq, state, view)
     SELECT g.number, g.status, 'P' || (1 + g.i % 3), g.category, g.location, g.building, '教室网络断开',
       '{"name":"张老师","lang":"zh-CN"}', g.owner, g.owner, g.team, g.unit,
       CASE WHEN g.rb THEN 1 ELSE 0 END, CASE WHEN g.sb THEN 1 ELSE 0 END, g.rb OR g.sb,
       g.at, g.at + make_interval(secs => 60 + g.i % 3000),
       CASE WHEN g.status IN ('resolved', 'closed') THEN g.at + make_interval(secs => 3600 + g.i % 40000) END,
       CASE WHEN g.status = 'closed' THEN g.at + make_interval(secs => 90000) END,
       CASE WHEN g.status = 'cancelled' THEN g.at + interval '1 hour' END,
       CASE WHEN g.status = 'closed' AND g.i % 3 = 0 THEN 1 + g.i % 5 END, (g.i % 50 = 0)::int, 2,
       jsonb_set(jsonb_set(jsonb_set($1::jsonb, '{number}', to_jsonb(g.number)), '{status}', to_jsonb(g.status)),
         '{breached}', jsonb_build_object('respond', g.rb, 'resolve', g.sb)),
       jsonb_set(jsonb_set(jsonb_set($2::jsonb, '{number}', to_jsonb(g.number)), '{id}', to_jsonb(g.number)),
         '{status}', to_jsonb(g.status))
     FROM (
       SELECT i, 'R2026-' || lpad(i::text, 7, '0') AS number,
         (ARRAY['closed','closed','closed','closed','closed','closed','in_progress','assigned','resolved','cancelled'])[1 + i % 10] AS status,
         (ARRAY['network','wifi','projector','computer','printer','phone','account','other'])[1 + i % 8] AS category,
         (ARRAY['IH-2-301','B2-1-105','LIB-1-HALL','ADM-2-210','DORM5-2-201'])[1 + i % 5] AS location,
         (ARRAY['信息楼','2号教学楼','图书馆','行政楼','5号学生公寓'])[1 + i % 5] AS building,
         (ARRAY['tech1','tech2','tech3','tech4','tech5','tech6'])[1 + i % 6] AS owner,
         (ARRAY['net','onsite','net','onsite','onsite','net'])[1 + i % 6] AS team,
         (ARRAY['nic','xinlu','nic','xinlu','xinlu','nic'])[1 + i % 6] AS unit,
         i % 13 = 0 AS rb, i % 17 = 0 AS sb,
         timestamptz '${YEAR_START}' + make_interval(secs => i * ${step}) AS at
       FROM generate_series(1, $3::int) AS i) g`,
    [state, view, count],
  );
  log(`  tickets: ${count} rows in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await pool.query(
    `INSERT INTO ticket_events (ticket_number, seq, type, at, actor, data)
     SELECT t.number, s.seq, s.type, t.submitted_at + make_interval(secs => s.seq), NULL::jsonb, '{}'::jsonb
       FROM tickets t CROSS JOIN (VALUES (1, 'submitted'), (2, 'assigned')) AS s(seq, type)
     UNION ALL
     SELECT number, 3, 'escalated', submitted_at + interval '30 minutes', NULL::jsonb, '{"clock":"respond","level":1}'::jsonb
       FROM tickets WHERE respond_level > 0`,
  );
  await pool.query(
    `INSERT INTO survey_answers (ticket_number, round, outcome, rating, answered_at)
     SELECT number, 1, CASE WHEN rating IS NULL THEN 'expired' ELSE 'confirmed' END, rating, closed_at
       FROM tickets WHERE status = 'closed' AND (rating IS NOT NULL OR reopen_count > 0)`,
  );
  await pool.query('VACUUM ANALYZE tickets');
  await pool.query('VACUUM ANALYZE ticket_events');
  await pool.query('VACUUM ANALYZE survey_answers');
  await pool.query("SELECT setval('ticket_number_seq', $1)", [count + 1]);
  log(`  read model seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
