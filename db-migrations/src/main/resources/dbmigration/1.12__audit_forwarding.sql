-- Audit forwarding (issue 14): where each configured destination (syslog, Elasticsearch, Splunk) stands in the audit
-- chain. Owned by io.pganalytics.server.audit.forwarding. One row per destination name, created when a node first
-- forwards to it; position is the seq of the last record the destination acknowledged. A restart resends from
-- position + 1 (at-least-once). Kept outside schema audit: the application updates these rows, and schema audit is
-- append-only.
CREATE TABLE audit_forward_position (
    destination     varchar(64)  PRIMARY KEY,
    kind            varchar(20)  NOT NULL,
    position        bigint       NOT NULL DEFAULT 0,
    delivered       bigint       NOT NULL DEFAULT 0,
    updated_at      timestamptz  NOT NULL,
    last_error      text,
    last_error_at   timestamptz,
    node            text,
    CONSTRAINT ck_audit_forward_position CHECK (position >= 0),
    CONSTRAINT ck_audit_forward_kind CHECK (kind IN ('syslog', 'elasticsearch', 'splunk'))
);
