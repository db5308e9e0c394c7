-- Removal of archived audit records (issue 14, io.pganalytics.server.audit.AuditArchiver). The application never
-- deletes from audit.record itself: on a database where the audit tables belong to another role (the embedded one;
-- docs/audit/integrity.md for external ones) it may only call this function, which runs as the tables' owner and
-- removes records up to the newest archive. The row trigger still refuses any record younger than the retention
-- minimum or not archived.
CREATE FUNCTION audit.remove_archived(up_to bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    archived_to bigint;
    removed bigint;
BEGIN
    SELECT max(last_seq) INTO archived_to FROM audit.archive;
    IF archived_to IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM audit.record WHERE seq <= least(up_to, archived_to);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION audit.remove_archived(bigint) FROM PUBLIC;

-- The retention minimum only ever rises: nobody holding the application's role can shorten it to remove young records.
CREATE FUNCTION audit.refuse_lower_retention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.min_retention_days < OLD.min_retention_days THEN
        RAISE EXCEPTION 'the audit retention minimum of % days cannot be lowered (to %)', OLD.min_retention_days, NEW.min_retention_days
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tr_audit_policy_raise_only BEFORE UPDATE ON audit.policy
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_lower_retention();
CREATE TRIGGER tr_audit_policy_no_delete BEFORE DELETE OR TRUNCATE ON audit.policy
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_any_change();
