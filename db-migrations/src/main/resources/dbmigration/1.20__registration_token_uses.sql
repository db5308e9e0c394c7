-- Registration tokens with several uses, so that one token (one Secret key) serves a whole DaemonSet: max_uses is how
-- many collectors may register with the token (1, the default, is the one-time token of 1.2), use_count how many did.
-- A registration takes a use with one conditional UPDATE (use_count < max_uses, not revoked, not expired): the row
-- lock serialises racing registrations on any node, so two of them can never both take the last use.
-- used_at and used_by_collector_id now name the latest use; every use names its token in collector.registration_token_id.
ALTER TABLE collector_registration_token
    ADD COLUMN max_uses   integer NOT NULL DEFAULT 1,
    ADD COLUMN use_count  integer NOT NULL DEFAULT 0;

UPDATE collector_registration_token SET use_count = 1 WHERE used_at IS NOT NULL;

ALTER TABLE collector_registration_token
    ADD CONSTRAINT ck_collector_registration_token_uses CHECK (max_uses BETWEEN 1 AND 10000 AND use_count BETWEEN 0 AND max_uses);

-- A multi-use token refuses a name a live collector already has (a DaemonSet pod names its collector after its node):
-- the registration looks the name up.
CREATE INDEX ix_collector_live_name ON collector (name) WHERE deleted_at IS NULL;
