-- Settings values may be sealed (issue 13, encryption.settings): some carry secrets or personal data (a
-- primary_conninfo with its password, an archive_command, a search_path naming a customer). setting_sealed holds the
-- value sealed with the key service (row key instance_id:name); a row holds its value either in setting or in
-- setting_sealed, so that turning the option on or off loses no value (every reader opens both forms).
ALTER TABLE ts.settings ADD COLUMN setting_sealed bytea;
