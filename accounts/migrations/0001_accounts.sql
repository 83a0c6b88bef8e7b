-- Linked Gladly accounts and their API keys (DESIGN.md §8). Secrets are AES-256-GCM
-- ciphertexts (see keyring.go), never plaintext. Every row carries a version drawn from one
-- sequence so that replicas can tell which changes they have already seen.
CREATE SEQUENCE accounts_change_seq;

CREATE TABLE accounts (
    id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    gladly_base_url  text NOT NULL,
    username         text NOT NULL,
    api_token        bytea NOT NULL,
    webhook_username text NOT NULL,
    webhook_password bytea NOT NULL,
    rate_limit       double precision NOT NULL CHECK (rate_limit > 0),
    disabled         boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          bigint NOT NULL DEFAULT nextval('accounts_change_seq')
);

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hash         bytea NOT NULL,
    scopes       text[] NOT NULL,
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked      boolean NOT NULL DEFAULT false,
    version      bigint NOT NULL DEFAULT nextval('accounts_change_seq')
);

CREATE INDEX api_keys_account_id ON api_keys (account_id);
CREATE INDEX api_keys_version ON api_keys (version);
