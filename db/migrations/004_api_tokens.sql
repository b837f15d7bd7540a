-- Integration (API) tokens: long-lived, stored only as a SHA-256 hash, scoped, revocable.
-- A token acts as the staff account it belongs to, limited to its scopes (domain/authz.ts).
CREATE TABLE api_tokens (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash    text NOT NULL UNIQUE,
  username      text NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);
CREATE INDEX api_tokens_username ON api_tokens (username);
