-- Key rotation (issue 13): the re-wrap job's runs and cursors. Owned by io.pganalytics.server.crypto.

-- One row per run of the re-wrap job, which re-seals every value under an older data key with the current one. At
-- most one run is 'running'; a rotation during a run retargets it. The node holding the job's lease works on it; when
-- that node stops, another takes the lease over and goes on from the cursors below.
CREATE TABLE crypto_rewrap_run (
    id              bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state           varchar(10)  NOT NULL,
    target_key      integer      NOT NULL,
    started_at      timestamptz  NOT NULL,
    finished_at     timestamptz,
    done            bigint       NOT NULL DEFAULT 0,
    total           bigint       NOT NULL,
    skipped         bigint       NOT NULL DEFAULT 0,
    node            text,
    started_by      text         NOT NULL,
    error           text,
    CONSTRAINT ck_crypto_rewrap_run_state CHECK (state IN ('running', 'done', 'failed'))
);

CREATE UNIQUE INDEX uq_crypto_rewrap_run_running ON crypto_rewrap_run ((true)) WHERE state = 'running';

-- How far a run went in each sealed column: the last row key (in "C" collation order) it re-sealed or skipped.
CREATE TABLE crypto_rewrap_cursor (
    run_id          bigint       NOT NULL REFERENCES crypto_rewrap_run (id) ON DELETE CASCADE,
    sealed_column   text         NOT NULL,
    after_row       text         NOT NULL,
    PRIMARY KEY (run_id, sealed_column)
);
