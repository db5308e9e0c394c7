-- Rollup watermarks: how far the maintenance job has rolled each family up, per resolution ('minute' from raw rows,
-- 'hour' from minutes). After downtime the job continues from here in bounded chunks. Plain dialect only: TimescaleDB's
-- continuous aggregates keep their own.
CREATE TABLE maintenance_watermark (
    family       varchar(63)  NOT NULL,
    resolution   varchar(16)  NOT NULL CHECK (resolution IN ('minute', 'hour')),
    computed_to  timestamptz  NOT NULL,
    updated_at   timestamptz  NOT NULL,
    PRIMARY KEY (family, resolution)
);
