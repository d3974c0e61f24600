/**
 * Versioned schema migrations, applied in order inside one transaction each. The SQL lives in
 * the code (not .sql files) so the build ships it with nothing to copy. Never edit a released
 * migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: anchors, outbox, runs, audit, key/value (sync cookie, listener status).
  `
  CREATE TABLE anchors (
    uuid       TEXT PRIMARY KEY,
    login      TEXT NOT NULL,
    dn         TEXT NOT NULL,
    extension  TEXT,
    record     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX anchors_login ON anchors(login);
  CREATE UNIQUE INDEX anchors_extension ON anchors(extension) WHERE extension IS NOT NULL;

  CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    source       TEXT NOT NULL,
    run_id       INTEGER,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'inflight', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    priority     INTEGER NOT NULL DEFAULT 0,
    available_at INTEGER NOT NULL,
    claimed_at   INTEGER,
    created_at   INTEGER NOT NULL,
    last_error   TEXT
  ) STRICT;
  CREATE INDEX outbox_ready ON outbox(status, available_at, priority, id);
  CREATE INDEX outbox_uuid ON outbox(uuid, id);
  CREATE INDEX outbox_run ON outbox(run_id);

  CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('simulate', 'import')),
    trigger     TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'blocked', 'failed', 'partial')),
    summary     TEXT,
    error       TEXT
  ) STRICT;

  CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    run_id  INTEGER,
    uuid    TEXT,
    login   TEXT,
    action  TEXT NOT NULL,
    result  TEXT NOT NULL CHECK (result IN ('ok', 'failed', 'retry')),
    detail  TEXT
  ) STRICT;
  CREATE INDEX audit_at ON audit(at);
  CREATE INDEX audit_uuid ON audit(uuid, at);

  CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
  // 2: claim in queue order without sorting every pending row (O(1) per claim, not O(n)).
  `
  DROP INDEX outbox_ready;
  CREATE INDEX outbox_claim ON outbox(status, priority DESC, id);
  `,
  // 3: the translog source finds managed users by their last DN (DNs compare case-insensitively).
  `
  CREATE INDEX anchors_dn ON anchors(dn COLLATE NOCASE);
  `,
  // 4: an anchor whose last push has no known outcome (AnchorState.tentativeFrom).
  `
  ALTER TABLE anchors ADD COLUMN tentative_from TEXT;
  `,
];
