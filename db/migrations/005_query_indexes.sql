-- Manager lists (GET /api/tickets) and reports (GET /api/reports/sla) at a million tickets.
-- Lists are keyset-paginated in the order (submitted_at DESC, number DESC); each filter that narrows
-- a list on its own has an index ending in that order, so a page is an index range scan of ~50 rows.
-- (status and the bare order already have one: tickets_status, tickets_submitted.)
CREATE INDEX tickets_category_order ON tickets (category, submitted_at DESC, number DESC);
CREATE INDEX tickets_building_order ON tickets (building, submitted_at DESC, number DESC);
CREATE INDEX tickets_owner_order ON tickets (owner_username, submitted_at DESC, number DESC);
CREATE INDEX tickets_unit_order ON tickets (owner_unit_code, submitted_at DESC, number DESC);
CREATE INDEX tickets_team_order ON tickets (team_code, submitted_at DESC, number DESC);
CREATE INDEX tickets_breached_order ON tickets (submitted_at DESC, number DESC) WHERE breached;
-- Signed-in requesters list the tickets they reported, matched by e-mail address.
CREATE INDEX tickets_requester_email ON tickets (lower(requester ->> 'email'), submitted_at DESC, number DESC);

-- Whether each clock missed its deadline, as plain columns derived from the workflow's state, for reports.
ALTER TABLE tickets
  ADD COLUMN respond_breached boolean GENERATED ALWAYS AS (coalesce((state -> 'breached' ->> 'respond')::boolean, false)) STORED,
  ADD COLUMN resolve_breached boolean GENERATED ALWAYS AS (coalesce((state -> 'breached' ->> 'resolve')::boolean, false)) STORED;

CREATE INDEX survey_answers_ticket ON survey_answers (ticket_number);
CREATE INDEX ticket_events_escalated ON ticket_events (ticket_number) WHERE type = 'escalated';
