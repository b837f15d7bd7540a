-- Reference data, read model, survey answers and the notification outbox.

CREATE TABLE service_units (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  name_en     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('center', 'vendor'))
);

CREATE TABLE teams (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  name_en     text NOT NULL,
  unit_code   text NOT NULL REFERENCES service_units (code)
);

CREATE TABLE staff (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9_.-]{1,39}$'),
  name          text NOT NULL,
  badge         text NOT NULL UNIQUE,
  unit_code     text NOT NULL REFERENCES service_units (code),
  team_code     text REFERENCES teams (code),
  roles         text[] NOT NULL,
  skills        text[] NOT NULL DEFAULT '{}',
  zones         text[] NOT NULL DEFAULT '{}',
  email         text,
  phone         text,
  password_hash text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Roster: weekly shifts in the calendar's time zone; ends <= starts means the shift crosses midnight.
CREATE TABLE shifts (
  id        bigserial PRIMARY KEY,
  username  text NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO: 1 = Monday
  starts    time NOT NULL,
  ends      time NOT NULL
);
CREATE INDEX shifts_username ON shifts (username);

CREATE TABLE auth_tokens (
  token_hash  text PRIMARY KEY,
  username    text NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX auth_tokens_username ON auth_tokens (username);

CREATE TABLE locations (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  campus      text NOT NULL,
  building    text NOT NULL,
  floor       text,
  room        text,
  zone        text NOT NULL,
  kind        text NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_building ON locations (building);

CREATE TABLE categories (
  code         text PRIMARY KEY,
  name         text NOT NULL,
  name_en      text NOT NULL,
  skill        text NOT NULL,
  place_kinds  text[] NOT NULL DEFAULT '{}',
  sort         integer NOT NULL DEFAULT 0,
  active       boolean NOT NULL DEFAULT true
);

CREATE SEQUENCE ticket_number_seq;

-- What the API accepted, written before the workflow starts: the number and the idempotency record.
CREATE TABLE ticket_intake (
  number           text PRIMARY KEY,
  idempotency_key  text UNIQUE,
  request_hash     text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- The read model: one row per ticket, written only by workflow activities.
CREATE TABLE tickets (
  number             text PRIMARY KEY,
  status             text NOT NULL,
  priority           text NOT NULL,
  category           text NOT NULL,
  location_code      text NOT NULL,
  building           text NOT NULL,
  description        text NOT NULL,
  requester          jsonb NOT NULL,
  assignee_username  text,
  owner_username     text,
  team_code          text,
  owner_unit_code    text,
  respond_deadline   timestamptz,
  resolve_deadline   timestamptz,
  respond_level      integer NOT NULL DEFAULT 0,
  resolve_level      integer NOT NULL DEFAULT 0,
  breached           boolean NOT NULL DEFAULT false,
  submitted_at       timestamptz NOT NULL,
  accepted_at        timestamptz,
  resolved_at        timestamptz,
  closed_at          timestamptz,
  cancelled_at       timestamptz,
  rating             smallint,
  reopen_count       integer NOT NULL DEFAULT 0,
  last_seq           integer NOT NULL,
  state              jsonb NOT NULL,
  view               jsonb NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_status ON tickets (status, submitted_at DESC, number DESC);
CREATE INDEX tickets_assignee ON tickets (assignee_username, status);
CREATE INDEX tickets_owner ON tickets (owner_username, status);
CREATE INDEX tickets_location ON tickets (location_code, status);
CREATE INDEX tickets_submitted ON tickets (submitted_at DESC, number DESC);

CREATE TABLE ticket_events (
  ticket_number  text NOT NULL REFERENCES tickets (number),
  seq            integer NOT NULL,
  type           text NOT NULL,
  at             timestamptz NOT NULL,
  actor          jsonb,
  data           jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (ticket_number, seq)
);
CREATE INDEX ticket_events_type_at ON ticket_events (type, at);

CREATE TABLE survey_answers (
  ticket_number  text NOT NULL REFERENCES tickets (number),
  round          integer NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('confirmed', 'rejected', 'expired')),
  rating         smallint CHECK (rating BETWEEN 1 AND 5),
  comment        text,
  answered_at    timestamptz NOT NULL,
  PRIMARY KEY (ticket_number, round)
);

CREATE TABLE notification_outbox (
  id              bigserial PRIMARY KEY,
  dedupe_key      text NOT NULL UNIQUE,
  ticket_number   text NOT NULL,
  event_seq       integer NOT NULL,
  recipient_kind  text NOT NULL,
  recipient       text NOT NULL,
  channel         text NOT NULL,
  address         text,
  lang            text NOT NULL,
  template        text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX notification_outbox_ticket ON notification_outbox (ticket_number, id);
CREATE INDEX notification_outbox_pending ON notification_outbox (status, id) WHERE status = 'pending';

-- Dispatch decisions by request, so a retried assignment activity returns the same holder.
CREATE TABLE dispatch_decisions (
  request_key    text PRIMARY KEY,
  ticket_number  text NOT NULL,
  username       text REFERENCES staff (username),
  reason         text NOT NULL,
  decided_at     timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE staff ADD COLUMN last_assigned_at timestamptz;
ALTER TABLE staff ADD COLUMN lang text NOT NULL DEFAULT 'zh-CN' CHECK (lang IN ('zh-CN', 'en'));

-- People who said "me too" at the same place; they hear what the requester hears.
CREATE TABLE ticket_followers (
  ticket_number  text NOT NULL,
  id             bigserial,
  name           text NOT NULL,
  phone          text,
  email          text,
  lang           text NOT NULL DEFAULT 'zh-CN',
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_number, id)
);
