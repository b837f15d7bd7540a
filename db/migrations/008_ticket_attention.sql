-- Tickets that cannot make progress on their own, shown to dispatchers and managers until they heal.
-- No foreign key to tickets: a ticket whose opening failed has no read-model row yet.
CREATE TABLE ticket_attention (
  ticket_number  text NOT NULL,
  -- failed: an activity failed for good; lagging: the read model's writes keep failing;
  -- not_opened: an accepted report has no read-model row; task_failing: workflow tasks keep failing.
  kind           text NOT NULL CHECK (kind IN ('failed', 'lagging', 'not_opened', 'task_failing')),
  reason         text NOT NULL,
  -- What the dispatcher needs to recognise the report when the read model has nothing: category, place, submitted.
  summary        jsonb NOT NULL DEFAULT '{}',
  since          timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  cleared_at     timestamptz,
  PRIMARY KEY (ticket_number, kind)
);
CREATE INDEX ticket_attention_open ON ticket_attention (since) WHERE cleared_at IS NULL;
