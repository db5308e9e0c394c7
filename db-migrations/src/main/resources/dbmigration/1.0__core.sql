-- pgAnalytics core metadata: the server nodes that have joined this deployment, for the operator's inventory
-- and for jobs that must know which node last did what.
CREATE TABLE IF NOT EXISTS server_node (
    node_id         varchar(64)  PRIMARY KEY,
    host_name       varchar(255) NOT NULL,
    version         varchar(64)  NOT NULL,
    started_at      timestamptz  NOT NULL,
    last_seen_at    timestamptz  NOT NULL,
    stopped_at      timestamptz
);

-- Time series live in their own schema; the dialect's migrations decide how its tables are stored.
CREATE SCHEMA IF NOT EXISTS ts;
