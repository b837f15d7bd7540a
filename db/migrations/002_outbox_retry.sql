-- Retry schedule for e-mail delivery from the outbox (worker/outbox-dispatcher.ts).
-- A pending e-mail row is due when next_attempt_at has passed: new rows at once, failed sends after a backoff,
-- and a row claimed by a dispatcher only after its lease ends (so a crashed dispatcher's rows are picked up again).
ALTER TABLE notification_outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX notification_outbox_email_due ON notification_outbox (next_attempt_at, id)
  WHERE status = 'pending' AND channel = 'email';
