-- The inventory: every monitored PostgreSQL instance and database the collectors have reported, registered from what
-- arrives. An instance is identified by its cluster's system identifier and the address the collector reaches it at
-- (a primary and its physical standbys share the system identifier).
CREATE TABLE monitored_instance (
    id                  bigserial    PRIMARY KEY,
    system_identifier   varchar(20)  NOT NULL,
    host                varchar(255) NOT NULL,
    port                integer      NOT NULL CHECK (port BETWEEN 1 AND 65535),
    name                varchar(200) NOT NULL,
    collector_id        varchar(64),
    server_version      varchar(100),
    server_version_num  integer,
    in_recovery         boolean,
    first_seen_at       timestamptz  NOT NULL,
    last_seen_at        timestamptz  NOT NULL,
    last_collected_at   timestamptz,
    version             bigint       NOT NULL DEFAULT 1,
    CONSTRAINT monitored_instance_address UNIQUE (system_identifier, host, port)
);
CREATE INDEX monitored_instance_name ON monitored_instance (lower(name));

CREATE TABLE monitored_database (
    instance_id     bigint       NOT NULL REFERENCES monitored_instance (id) ON DELETE CASCADE,
    datname         varchar(128) NOT NULL,
    first_seen_at   timestamptz  NOT NULL,
    last_seen_at    timestamptz  NOT NULL,
    PRIMARY KEY (instance_id, datname)
);

-- Durable idempotency: a batch id is stored in the same transaction as the batch's rows, so a duplicate is dropped
-- even after the whole cluster restarted. Rows older than ingest.idempotency-ttl are deleted by maintenance.
CREATE TABLE ingest_batch (
    batch_id        varchar(64)  PRIMARY KEY,
    collector_id    varchar(64)  NOT NULL,
    received_at     timestamptz  NOT NULL,
    row_count       integer      NOT NULL,
    accepted        text         NOT NULL
);
CREATE INDEX ingest_batch_received ON ingest_batch (received_at);
