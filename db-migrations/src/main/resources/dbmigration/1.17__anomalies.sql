-- Anomaly detection (issue 16, docs/ANOMALIES.md). Owned by io.pganalytics.server.anomaly.
-- Who gave feedback or changed a setting is kept as the user id, never the name: names are personal data.

-- One row per anomaly episode of one series of one instance: opened on the detector's first anomalous point,
-- extended while the series stays anomalous, closed after a run of normal points. At most one open row per series.
-- expected/lower_bound/upper_bound/actual are those of the peak (the most anomalous point).
CREATE TABLE anomaly (
    id                bigserial     PRIMARY KEY,
    instance_id       bigint        NOT NULL REFERENCES monitored_instance (id) ON DELETE CASCADE,
    -- the detection series ('tps', 'statement_latency_ms:<queryid>', 'wait_seconds:Lock', 'instance' for the
    -- multivariate detector)
    series            varchar(200)  NOT NULL,
    kind              varchar(32)   NOT NULL,
    severity          varchar(16)   NOT NULL,
    state             varchar(16)   NOT NULL,
    started_at        timestamptz   NOT NULL,
    ended_at          timestamptz,
    peak_at           timestamptz   NOT NULL,
    -- the peak's score in robust sigmas (isolation score for 'instance')
    score             float8        NOT NULL,
    expected          float8,
    lower_bound       float8,
    upper_bound       float8,
    actual            float8,
    points            integer       NOT NULL DEFAULT 1,
    -- the ranked root-cause hints: [{"rank":..,"type":..,"subject":..,"detail":..,"ref":..,"weight":..,"at":..}]
    hints             jsonb         NOT NULL DEFAULT '[]',
    -- the last feedback ('expected' or 'real'); the history is in anomaly_feedback
    feedback          varchar(16),
    created_at        timestamptz   NOT NULL,
    updated_at        timestamptz   NOT NULL,
    CONSTRAINT ck_anomaly_kind CHECK (kind IN ('spike', 'level_shift', 'trend_change', 'multivariate')),
    CONSTRAINT ck_anomaly_severity CHECK (severity IN ('warning', 'critical')),
    CONSTRAINT ck_anomaly_state CHECK (state IN ('open', 'closed')),
    CONSTRAINT ck_anomaly_feedback CHECK (feedback IS NULL OR feedback IN ('expected', 'real')),
    CONSTRAINT ck_anomaly_ended CHECK ((state = 'open') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX anomaly_one_open_per_series ON anomaly (instance_id, series) WHERE state = 'open';
CREATE INDEX anomaly_started ON anomaly (started_at DESC, id DESC);
CREATE INDEX anomaly_instance_started ON anomaly (instance_id, started_at DESC, id DESC);

-- Feedback on anomalies, kept for the alerting feedback loop: every answer, not only the last.
CREATE TABLE anomaly_feedback (
    id           bigserial     PRIMARY KEY,
    anomaly_id   bigint        NOT NULL REFERENCES anomaly (id) ON DELETE CASCADE,
    verdict      varchar(16)   NOT NULL,
    comment      varchar(1000),
    user_id      varchar(64)   NOT NULL,
    created_at   timestamptz   NOT NULL,
    CONSTRAINT ck_anomaly_feedback_verdict CHECK (verdict IN ('expected', 'real'))
);
CREATE INDEX anomaly_feedback_anomaly ON anomaly_feedback (anomaly_id, created_at DESC);

-- The detectors' state, checkpointed so that any node can take an instance over: a snapshot per series
-- (io.pganalytics.analytics.anomaly.SeriesDetector#snapshot, InstanceDetector#snapshot for series 'instance'),
-- and the time of the last point it has seen (scoring resumes after it).
CREATE TABLE anomaly_detector_state (
    instance_id    bigint        NOT NULL REFERENCES monitored_instance (id) ON DELETE CASCADE,
    series         varchar(200)  NOT NULL,
    snapshot       bytea         NOT NULL,
    last_point_at  timestamptz   NOT NULL,
    points         bigint        NOT NULL,
    updated_at     timestamptz   NOT NULL,
    PRIMARY KEY (instance_id, series)
);

-- The expected band of every scored point, for the dashboard's charts: one row per series and hour, one array
-- element per minute (the last point of that minute); NaN-free: a minute not scored is null.
CREATE TABLE anomaly_band (
    instance_id    bigint        NOT NULL REFERENCES monitored_instance (id) ON DELETE CASCADE,
    series         varchar(200)  NOT NULL,
    hour           timestamptz   NOT NULL,
    expected       real[]        NOT NULL,
    lower_bound    real[]        NOT NULL,
    upper_bound    real[]        NOT NULL,
    PRIMARY KEY (instance_id, series, hour)
);
CREATE INDEX anomaly_band_hour ON anomaly_band (hour);

-- Per-instance sensitivity, set by operators: 'low' (fewer, larger anomalies), 'normal', 'high'.
CREATE TABLE anomaly_settings (
    instance_id   bigint        PRIMARY KEY REFERENCES monitored_instance (id) ON DELETE CASCADE,
    sensitivity   varchar(16)   NOT NULL,
    updated_by    varchar(64)   NOT NULL,
    updated_at    timestamptz   NOT NULL,
    CONSTRAINT ck_anomaly_sensitivity CHECK (sensitivity IN ('low', 'normal', 'high'))
);

-- Exclusions: a series (or every series when null) of an instance is not flagged inside [starts_at, ends_at)
-- (ends_at null: until removed). Points inside are neither flagged nor learned from, so a planned job does not
-- teach the baseline.
CREATE TABLE anomaly_exclusion (
    id            bigserial     PRIMARY KEY,
    instance_id   bigint        NOT NULL REFERENCES monitored_instance (id) ON DELETE CASCADE,
    series        varchar(200),
    starts_at     timestamptz   NOT NULL,
    ends_at       timestamptz,
    reason        varchar(500)  NOT NULL,
    created_by    varchar(64)   NOT NULL,
    created_at    timestamptz   NOT NULL,
    CONSTRAINT ck_anomaly_exclusion_window CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX anomaly_exclusion_instance ON anomaly_exclusion (instance_id);
