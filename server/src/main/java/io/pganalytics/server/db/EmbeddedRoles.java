package io.pganalytics.server.db;

import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The embedded PostgreSQL's roles, set up by its superuser at each start: the application role (no superuser, no
 * CREATEDB, no CREATEROLE) with a new password, owner of the {@code pganalytics} database and of everything in it
 * (a database of the old code, made by {@code postgres}, is handed over), and that database closed to other roles.
 * Passwords are sent as SCRAM verifiers computed here, never as text.
 */
final class EmbeddedRoles {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRoles.class);

    private EmbeddedRoles() {
    }

    /** On the superuser's connection to the {@code postgres} database. */
    static void ensureApplicationRole(Connection postgres, String role, String database, char[] password) throws SQLException {
        try (Statement st = postgres.createStatement()) {
            if (!exists(postgres, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            } else {
                st.execute("ALTER ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            }
            st.execute(PasswordUtil.genAlterUserPasswordSQL(role, password, "scram-sha-256"));
            if (!exists(postgres, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                st.execute("CREATE DATABASE " + database + " OWNER " + role);
            } else {
                st.execute("ALTER DATABASE " + database + " OWNER TO " + role);
            }
            st.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
        }
    }

    /**
     * On the superuser's connection to the application's database: what {@code postgres} owns outside the system
     * schemas (created by the old code, which ran as the superuser) goes to {@code role}.
     */
    static void handOver(Connection database, String role) throws SQLException {
        int moved = 0;
        moved += alter(database, """
                SELECT quote_ident(nspname) FROM pg_namespace
                WHERE nspowner = 'postgres'::regrole AND nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')""",
                name -> "ALTER SCHEMA " + name + " OWNER TO " + role);
        // tables first: their owned sequences follow them; a sequence still owned after that stands alone
        moved += alter(database, """
                SELECT c.oid::regclass::text, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = 'postgres'::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
                name -> "ALTER TABLE " + name + " OWNER TO " + role);
        moved += alter(database, """
                SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = 'postgres'::regrole AND c.relkind = 'S'
                  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
                name -> "ALTER SEQUENCE " + name + " OWNER TO " + role);
        moved += alter(database, """
                SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.proowner = 'postgres'::regrole AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""",
                name -> "ALTER ROUTINE " + name + " OWNER TO " + role);
        moved += alter(database, """
                SELECT t.oid::regtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typowner = 'postgres'::regrole AND t.typtype IN ('e', 'd', 'r') 
                  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""",
                name -> "ALTER TYPE " + name + " OWNER TO " + role);
        if (moved > 0) {
            LOG.info("embedded PostgreSQL: {} object(s) of the superuser handed over to the application role {}", moved, role);
        }
    }

    /**
     * Before migrations, on the superuser's connection to the application's database: lends the audit owner's rights
     * to the application role (membership) so that a migration may change the audit schema; {@link #separateAudit}
     * takes them back when the migrations are done.
     */
    static void lendAudit(Connection database, String role, String auditRole) throws SQLException {
        if (exists(database, "SELECT 1 FROM pg_roles WHERE rolname = ?", auditRole)) {
            try (Statement st = database.createStatement()) {
                st.execute("GRANT " + auditRole + " TO " + role);
            }
        }
    }

    /**
     * After migrations, on the superuser's connection to the application's database: schema {@code audit} and
     * everything in it belong to {@code auditRole} (NOLOGIN), and the application role keeps only what the server
     * needs: read and append the chain, its checkpoints and archives; read and write person keys and signing keys;
     * read the policy and raise it; call {@code audit.remove_archived}. It can no longer change, delete, truncate or
     * drop a record, nor disable a trigger (that needs ownership). Tables that other migrations add to the schema
     * (forwarding positions) get plain read-write rights.
     */
    static void separateAudit(Connection database, String role, String auditRole) throws SQLException {
        if (!exists(database, "SELECT 1 FROM pg_namespace WHERE nspname = ?", "audit")) {
            return;
        }
        try (Statement st = database.createStatement()) {
            if (!exists(database, "SELECT 1 FROM pg_roles WHERE rolname = ?", auditRole)) {
                st.execute("CREATE ROLE " + auditRole + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            }
            st.execute("REVOKE " + auditRole + " FROM " + role);
            st.execute("ALTER SCHEMA audit OWNER TO " + auditRole);
        }
        alter(database, """
                SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'audit' AND c.relkind IN ('r', 'p', 'v', 'm')""",
                name -> "ALTER TABLE " + name + " OWNER TO " + auditRole);
        alter(database, """
                SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'audit'""",
                name -> "ALTER ROUTINE " + name + " OWNER TO " + auditRole);
        try (Statement st = database.createStatement()) {
            st.execute("REVOKE ALL ON SCHEMA audit FROM " + role);
            st.execute("GRANT USAGE ON SCHEMA audit TO " + role);
            st.execute("REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA audit TO " + role);
            st.execute("REVOKE UPDATE, DELETE ON audit.record, audit.checkpoint, audit.archive FROM " + role);
            st.execute("REVOKE DELETE ON audit.person_key, audit.signing_key FROM " + role);
            st.execute("REVOKE INSERT, DELETE ON audit.policy FROM " + role);
            st.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA audit TO " + role);
            st.execute("GRANT EXECUTE ON FUNCTION audit.remove_archived(bigint) TO " + role);
        }
        LOG.info("embedded PostgreSQL: schema audit belongs to {} (no login); {} may only read and append audit records", auditRole, role);
    }

    private static int alter(Connection c, String select, Function<String, String> statement) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        try (Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute(statement.apply(name));
            }
        }
        return names.size();
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
