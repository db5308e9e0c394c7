-- Plain PostgreSQL dialect: time-series tables are declaratively range-partitioned by day; partitions are created
-- ahead and dropped by retention by the maintenance job. This records the dialect so that a later start with another
-- dialect is refused instead of mixing storage models.
CREATE TABLE IF NOT EXISTS ts.dialect (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    name        text    NOT NULL CHECK (name IN ('plain', 'timescaledb')),
    chosen_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ts.dialect (name) VALUES ('plain');
