-- Runtime settings (issue 14): values an admin changes through the API while the cluster runs. Owned by
-- io.pganalytics.server.settings; read by the feature whose configuration key a row overrides.

-- One row per configuration key changed at runtime ('maintenance.retention.raw',
-- 'maintenance.retention.families.statements.raw'). The row's value overrides the configuration file's value of the
-- same key on every node, checked by the same rules as the file's; dropping the row returns to the file's value.
-- Who changed it is kept as the user id, not the name: the name is personal data and lives in the account (and,
-- sealed, in the audit trail), so erasing a person leaves no copy of their name here.
CREATE TABLE runtime_setting (
    name            varchar(200)  PRIMARY KEY,
    value           varchar(100)  NOT NULL,
    changed_at      timestamptz   NOT NULL,
    changed_by      varchar(64)   NOT NULL,
    CONSTRAINT ck_runtime_setting_name CHECK (name ~ '^[a-z][a-z0-9_.-]*$')
);
