-- Which version of a rule pack is installed (server.alerting.pack): only the rules a newer version adds are inserted at
-- start, so an operator's edits and deletions of pack rules are never undone by a restart or an upgrade.
CREATE TABLE alert_pack_state (
    pack                varchar(50)  PRIMARY KEY,
    installed_version   integer      NOT NULL CHECK (installed_version >= 0),
    installed_at        timestamptz  NOT NULL
);
