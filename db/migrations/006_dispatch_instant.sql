-- The instant a dispatch decision was applied at, in ms since the epoch, as the workflow applies it.
-- A ticket's opening runs as a local activity: if its workflow task is retried, the retry gets the
-- first attempt's decision and instant back, so the read model and history agree (null on older rows).
ALTER TABLE dispatch_decisions ADD COLUMN at_ms bigint;
