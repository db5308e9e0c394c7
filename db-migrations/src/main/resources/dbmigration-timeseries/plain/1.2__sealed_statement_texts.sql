-- Statement texts may be sealed (issue 13, encryption.statement-texts): query_sealed holds the text sealed with the
-- key service (row key instance_id:dbid:queryid); a row holds either query or query_sealed, so that turning the
-- option on or off never loses a text (the query API reads both forms).
ALTER TABLE ts.statement_text ALTER COLUMN query DROP NOT NULL;
ALTER TABLE ts.statement_text ADD COLUMN query_sealed bytea;
ALTER TABLE ts.statement_text ADD CONSTRAINT ck_statement_text_one_form CHECK ((query IS NULL) <> (query_sealed IS NULL));
