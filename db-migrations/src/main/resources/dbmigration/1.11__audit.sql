-- The audit trail (issue 14). Owned by io.pganalytics.server.audit; the integrity scheme is in docs/audit/integrity.md.
--
-- Records form one hash chain: seq is gapless from 1, and hash = SHA-256(prev_hash || canonical form) (see
-- common/audit/AuditCanonical). The writer takes the transaction-scoped advisory lock of the chain, reads the newest
-- record and appends after it, in the same transaction as the change a record describes. The database refuses
-- UPDATE, TRUNCATE and any DELETE of a record younger than the retention minimum or not yet archived; on the embedded
-- database the schema also belongs to a role the application does not log in as (it may only read and append).

CREATE SCHEMA audit;

CREATE TABLE audit.record (
    seq               bigint       PRIMARY KEY,
    at                timestamptz  NOT NULL,
    node              text         NOT NULL,
    category          varchar(16)  NOT NULL,
    action            text         NOT NULL,
    outcome           varchar(10)  NOT NULL,
    actor_kind        varchar(10)  NOT NULL,
    actor_id          text,
    actor_roles       text,
    resource_type     text,
    resource_id       text,
    status            integer,
    error_type        text,
    duration_us       bigint,
    details           text         NOT NULL,
    actor_personal    bytea,
    subject_id        text,
    subject_personal  bytea,
    prev_hash         bytea        NOT NULL,
    hash              bytea        NOT NULL,
    CONSTRAINT ck_audit_record_category CHECK (category IN ('api', 'auth', 'change', 'ingest', 'system')),
    CONSTRAINT ck_audit_record_outcome CHECK (outcome IN ('success', 'failure', 'denied')),
    CONSTRAINT ck_audit_record_actor CHECK (actor_kind IN ('user', 'collector', 'system', 'anonymous')),
    CONSTRAINT ck_audit_record_hashes CHECK (octet_length(prev_hash) = 32 AND octet_length(hash) = 32)
);
COMMENT ON TABLE audit.record IS 'Append-only, hash-chained audit records. Written by io.pganalytics.server.audit.AuditLog only.';
COMMENT ON COLUMN audit.record.details IS 'The exact JSON text hashed: non-personal details, before/after of non-personal fields.';
COMMENT ON COLUMN audit.record.actor_personal IS 'The actor''s name, address and user agent as JSON, sealed with the actor''s person key.';
COMMENT ON COLUMN audit.record.subject_personal IS 'Personal fields before/after of the person subject_id, sealed with that person''s key.';

CREATE INDEX ix_audit_record_at ON audit.record (at);
CREATE INDEX ix_audit_record_actor ON audit.record (actor_id, seq) WHERE actor_id IS NOT NULL;
CREATE INDEX ix_audit_record_resource ON audit.record (resource_type, resource_id, seq) WHERE resource_type IS NOT NULL;
CREATE INDEX ix_audit_record_subject ON audit.record (subject_id, seq) WHERE subject_id IS NOT NULL;
CREATE INDEX ix_audit_record_action ON audit.record (action, seq);

-- How long records are kept at least: nobody deletes a younger one. Configurable upward only from 90 days.
CREATE TABLE audit.policy (
    singleton           boolean  PRIMARY KEY DEFAULT true CHECK (singleton),
    min_retention_days  integer  NOT NULL DEFAULT 90 CHECK (min_retention_days >= 90)
);
INSERT INTO audit.policy DEFAULT VALUES;

-- Signed exports of the oldest records, made before they are removed: the chain then starts at last_hash.
CREATE TABLE audit.archive (
    id           bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_seq    bigint       NOT NULL,
    last_seq     bigint       NOT NULL,
    last_hash    bytea        NOT NULL,
    file_name    text         NOT NULL,
    file_sha256  bytea        NOT NULL,
    key_id       text         NOT NULL,
    signature    bytea        NOT NULL,
    archived_at  timestamptz  NOT NULL,
    node         text         NOT NULL,
    CONSTRAINT ck_audit_archive_range CHECK (first_seq <= last_seq)
);

-- Signed chain heads (ES256 over AuditCanonical.checkpointStatement), like Certificate Transparency's tree heads.
CREATE TABLE audit.checkpoint (
    seq        bigint       PRIMARY KEY,
    head_hash  bytea        NOT NULL,
    signed_at  timestamptz  NOT NULL,
    key_id     text         NOT NULL,
    signature  bytea        NOT NULL,
    node       text         NOT NULL
);

-- The audit's own ES256 signing keys: the public key in the clear (X.509 SubjectPublicKeyInfo, DER) for anyone to
-- verify with, the private key (PKCS#8) sealed by the key service (row key: key_id).
CREATE TABLE audit.signing_key (
    key_id       text         PRIMARY KEY,
    public_key   bytea        NOT NULL,
    private_key  bytea        NOT NULL,
    created_at   timestamptz  NOT NULL,
    retired_at   timestamptz
);

-- One AES-256 key per person whose data the trail holds (a user's id), sealed by the key service (row key:
-- person_id). An erasure request destroys it (secret becomes NULL): the person's fields in every record become
-- unreadable while the records and their hashes stay as they were.
CREATE TABLE audit.person_key (
    person_id   text         PRIMARY KEY,
    secret      bytea,
    created_at  timestamptz  NOT NULL,
    erased_at   timestamptz,
    erased_by   text,
    CONSTRAINT ck_audit_person_key_erased CHECK ((secret IS NULL) = (erased_at IS NOT NULL))
);

CREATE FUNCTION audit.refuse_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keep_days integer;
    archived_to bigint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit records cannot be changed (record %)', OLD.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'audit records cannot be truncated' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT min_retention_days INTO keep_days FROM audit.policy;
    IF OLD.at > now() - make_interval(days => keep_days) THEN
        RAISE EXCEPTION 'audit record % is younger than the retention minimum of % days and cannot be deleted', OLD.seq, keep_days
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT max(last_seq) INTO archived_to FROM audit.archive;
    IF archived_to IS NULL OR OLD.seq > archived_to THEN
        RAISE EXCEPTION 'audit record % was not archived and cannot be deleted', OLD.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER tr_audit_record_immutable BEFORE UPDATE OR DELETE ON audit.record
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_record_change();
CREATE TRIGGER tr_audit_record_no_truncate BEFORE TRUNCATE ON audit.record
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_record_change();

CREATE FUNCTION audit.refuse_any_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER tr_audit_archive_immutable BEFORE UPDATE OR DELETE ON audit.archive
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_any_change();
CREATE TRIGGER tr_audit_archive_no_truncate BEFORE TRUNCATE ON audit.archive
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_any_change();
CREATE TRIGGER tr_audit_checkpoint_immutable BEFORE UPDATE OR DELETE ON audit.checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_any_change();
CREATE TRIGGER tr_audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit.checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_any_change();
