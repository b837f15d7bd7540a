-- Counters of rate-limiter-flexible's PostgreSQL store (api/rate-limits.ts), shared by every API
-- replica and kept across restarts: failed sign-ins per username and address, public form submits.
-- Created here rather than by the library, so the app's database user needs no CREATE right.
-- `expire` is in ms since the epoch; expired rows are pruned in bounded batches (api/auth.ts).
CREATE TABLE rate_limits (
  key     text PRIMARY KEY,
  points  integer NOT NULL DEFAULT 0,
  expire  bigint
);
CREATE INDEX rate_limits_expire ON rate_limits (expire);

-- Expired sign-in tokens are pruned by expiry.
CREATE INDEX auth_tokens_expires_at ON auth_tokens (expires_at);
