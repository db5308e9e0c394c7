-- Backup and recovery (issue 15, docs/BACKUP-AND-RECOVERY.md). Owned by io.pganalytics.server.backup.
-- Both engines (the embedded engine and pgBackRest) write one catalogue; the API and the console read it.
-- Who asked for something is kept as the user id (or 'schedule'), never the name: names are personal data.

-- One row per backup, whatever its engine. A pgBackRest backup's row mirrors `pgbackrest info`; the embedded
-- engine's row is written as it runs. consistent_at is the earliest time the backup can be restored to (its end).
CREATE TABLE backup (
    id                   varchar(64)   PRIMARY KEY,
    engine               varchar(16)   NOT NULL,
    kind                 varchar(16)   NOT NULL,
    -- the full backup a differential or incremental one builds on (pgBackRest); null for a full backup
    parent_id            varchar(64),
    state                varchar(16)   NOT NULL,
    started_at           timestamptz   NOT NULL,
    finished_at          timestamptz,
    consistent_at        timestamptz,
    -- bytes of the database read, and bytes stored in the repository (compressed and encrypted)
    size_bytes           bigint,
    stored_bytes         bigint,
    timeline             integer,
    lsn_start            varchar(32),
    lsn_stop             varchar(32),
    -- the first and last WAL segments the backup needs to be consistent
    wal_start            varchar(64),
    wal_stop             varchar(64),
    -- which key encrypts it: 'kek <kind> v<version>' (embedded engine), 'pgbackrest aes-256-cbc' (pgBackRest)
    key_version          varchar(200),
    manifest_sha256      varchar(64),
    -- when the second region holds a complete copy; null while it does not
    copied_at            timestamptz,
    verification         varchar(16)   NOT NULL DEFAULT 'none',
    verified_at          timestamptz,
    -- the checks of the last verification: [{"name":..., "passed":..., "detail":...}]
    verification_detail  jsonb,
    error                varchar(4000),
    node_name            varchar(200)  NOT NULL,
    requested_by         varchar(64)   NOT NULL,
    CONSTRAINT ck_backup_engine CHECK (engine IN ('embedded', 'pgbackrest')),
    CONSTRAINT ck_backup_kind CHECK (kind IN ('full', 'differential', 'incremental')),
    CONSTRAINT ck_backup_state CHECK (state IN ('running', 'complete', 'failed', 'expired')),
    CONSTRAINT ck_backup_verification CHECK (verification IN ('none', 'running', 'passed', 'failed'))
);
CREATE INDEX ix_backup_started ON backup (started_at DESC);

-- The WAL the embedded engine archived into its repository, one row per segment or timeline history file. A segment
-- holds no WAL written after archived_at, which bounds the recovery windows' ends.
CREATE TABLE backup_wal (
    name                 varchar(64)   PRIMARY KEY,
    timeline             integer       NOT NULL,
    archived_at          timestamptz   NOT NULL,
    stored_bytes         bigint        NOT NULL,
    sha256               varchar(64)   NOT NULL,
    key_version          varchar(200)  NOT NULL,
    copied_at            timestamptz,
    CONSTRAINT ck_backup_wal_name CHECK (name ~ '^[0-9A-F]{24}$' OR name ~ '^[0-9A-F]{8}\.history$')
);
CREATE INDEX ix_backup_wal_archived ON backup_wal (archived_at);

-- Every backup, verification, restore, copy and expiry run, with its progress: any node answers for any run. A run
-- whose node stops beating (heartbeat_at) is marked failed by the next node that looks.
CREATE TABLE backup_operation (
    id                   uuid          PRIMARY KEY,
    kind                 varchar(16)   NOT NULL,
    state                varchar(16)   NOT NULL,
    backup_id            varchar(64),
    phase                varchar(200)  NOT NULL,
    done_bytes           bigint        NOT NULL DEFAULT 0,
    total_bytes          bigint,
    started_at           timestamptz   NOT NULL,
    heartbeat_at         timestamptz   NOT NULL,
    finished_at          timestamptz,
    detail               jsonb,
    error                varchar(4000),
    node_name            varchar(200)  NOT NULL,
    requested_by         varchar(64)   NOT NULL,
    CONSTRAINT ck_backup_operation_kind CHECK (kind IN ('backup', 'verify', 'restore', 'copy', 'expire')),
    CONSTRAINT ck_backup_operation_state CHECK (state IN ('running', 'succeeded', 'failed'))
);
-- One run of each kind at a time, however many nodes and requests: concurrent "back up now" requests start one backup.
CREATE UNIQUE INDEX ux_backup_operation_running ON backup_operation (kind) WHERE state = 'running';
CREATE INDEX ix_backup_operation_started ON backup_operation (started_at DESC);
