-- TimescaleDB dialect: time-series tables become hypertables with compression and retention policies, and the
-- rollups are continuous aggregates.
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE TABLE IF NOT EXISTS ts.dialect (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    name        text    NOT NULL CHECK (name IN ('plain', 'timescaledb')),
    chosen_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ts.dialect (name) VALUES ('timescaledb');
