package io.pganalytics.server.audit.forwarding;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.Rsyslog;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding to a real rsyslog over TCP with TLS: every record arrives as an RFC 5424 message with its seq and hash
 * in structured data, including when the server stops in the middle of forwarding and starts again.
 */
class SyslogForwardingTest {
    private static final Pattern MESSAGE = Pattern.compile(
            "^<(\\d+)>1 (\\S+) (\\S+) pganalytics - (\\S+) \\[pganalytics@32473 seq=\"(\\d+)\" hash=\"([0-9a-f]{64})\" prev=\"([0-9a-f]{64})\""
                    + " action=\"[^\"]*\" outcome=\"(success|failure|denied)\" node=\"[^\"]+\"\\] (\\{.*\\})$");
    private static Rsyslog rsyslog;

    @BeforeAll
    static void startRsyslog() {
        rsyslog = Rsyslog.start();
    }

    @AfterAll
    static void stopRsyslog() {
        rsyslog.close();
    }

    @Test
    void everyRecordReachesRsyslogAcrossAServerRestartInTheMiddleOfForwarding() {
        String database = SharedPostgres.newDatabase("audit_syslog");
        int mark = rsyslog.received().size();
        Map<String, String> settings = settings();
        String cluster = TestServers.newClusterName();
        long headAtStop;
        long positionAtStop;
        try (PgAnalyticsServer server = TestServers.start(database, cluster, settings)) {
            for (int i = 0; i < 50; i++) {
                server.audit().log().submit(AuditEvent.system("forward.first").detail("i", i));
            }
            Eventually.await(Duration.ofSeconds(60), "the first record delivered", () -> position(database) > 0);
            for (int i = 0; i < 300; i++) {
                server.audit().log().submit(AuditEvent.system("forward.before-restart").detail("i", i));
            }
            assertTrue(server.audit().log().flush(Duration.ofSeconds(10)));
            headAtStop = head(database);
        }
        positionAtStop = position(database);
        assertTrue(positionAtStop < headAtStop, "the server stopped in the middle of forwarding: position " + positionAtStop
                + " of " + headAtStop);
        try (PgAnalyticsServer server = TestServers.start(database, cluster, settings)) {
            for (int i = 0; i < 20; i++) {
                server.audit().log().appendNow(AuditEvent.change("forward.after-restart", "thing", Integer.toString(i))
                        .outcome(i % 2 == 0 ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.DENIED));
            }
            long head = head(database);
            Eventually.await(Duration.ofSeconds(120), "every record up to " + head + " in rsyslog", () -> bySeq(mark).keySet().containsAll(
                    java.util.stream.LongStream.rangeClosed(1, head).boxed().toList()));
            Eventually.await(Duration.ofSeconds(30), "the position at the head", () -> position(database) >= head);
            TreeMap<Long, Integer> copies = copies(mark);
            long resent = copies.values().stream().filter(n -> n > 1).count();
            assertTrue(resent <= 1, "at most the batch in flight at the stop is sent twice (batch size 1): " + resent);
            String lines = String.join("\n", since(mark));
            assertTrue(lines.contains("forward.after-restart"), "records after the restart arrived");
        }
    }

    @Test
    void eachMessageIsRfc5424WithTheRecordsSeqAndHashInStructuredData() {
        String database = SharedPostgres.newDatabase("audit_syslog_format");
        int mark = rsyslog.received().size();
        Map<Long, String> received;
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), settings())) {
            for (int i = 0; i < 6; i++) {
                server.audit().log().appendNow(AuditEvent.change("format.check", "thing \"quoted\" ]", Integer.toString(i))
                        .outcome(i % 3 == 0 ? AuditEvent.Outcome.SUCCESS : i % 3 == 1 ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.DENIED));
            }
            long head = head(database);
            Eventually.await(Duration.ofSeconds(60), "every record in rsyslog", () -> bySeq(mark).size() >= head);
            received = bySeq(mark);
        }
        for (String line : since(mark)) {
            Matcher m = MESSAGE.matcher(line);
            assertTrue(m.matches(), "an RFC 5424 message with our structured data: " + line);
            int pri = Integer.parseInt(m.group(1));
            assertEquals(13, pri / 8, "facility log audit");
            assertEquals("success".equals(m.group(8)) ? 5 : 4, pri % 8, "notice for success, warning otherwise: " + line);
            assertTrue(m.group(2).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), m.group(2));
            assertTrue(m.group(9).contains("\"seq\":" + m.group(5) + ","), "the message is the record's JSON line");
            assertTrue(m.group(9).contains("\"hash\":\"" + m.group(6) + "\""));
        }
        // consecutive records chain: each prev is the hash of the record before
        Map<Long, String[]> hashes = new TreeMap<>();
        for (String line : received.values()) {
            Matcher m = MESSAGE.matcher(line);
            assertTrue(m.matches());
            hashes.put(Long.parseLong(m.group(5)), new String[]{m.group(6), m.group(7)});
        }
        for (Map.Entry<Long, String[]> e : hashes.entrySet()) {
            String[] before = hashes.get(e.getKey() - 1);
            if (before != null) {
                assertEquals(before[0], e.getValue()[1], "record " + e.getKey() + " names its predecessor's hash");
            }
        }
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("audit.forwarding.0.name", "siem");
        settings.put("audit.forwarding.0.type", "syslog");
        settings.put("audit.forwarding.0.host", "localhost");
        settings.put("audit.forwarding.0.port", Integer.toString(rsyslog.port()));
        settings.put("audit.forwarding.0.ca-file", rsyslog.caFile().toString());
        settings.put("audit.forwarding.0.batch-size", "1");
        settings.put("audit.forwarding.0.poll-interval", "20ms");
        return settings;
    }

    /** The messages rsyslog received after the first {@code mark} (earlier tests' messages left out). */
    private static List<String> since(int mark) {
        List<String> all = rsyslog.received();
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    private static Map<Long, String> bySeq(int mark) {
        Map<Long, String> result = new TreeMap<>();
        for (String line : since(mark)) {
            Matcher m = MESSAGE.matcher(line);
            if (m.matches()) {
                result.put(Long.parseLong(m.group(5)), line);
            }
        }
        return result;
    }

    private static TreeMap<Long, Integer> copies(int mark) {
        TreeMap<Long, Integer> result = new TreeMap<>();
        for (String line : since(mark)) {
            Matcher m = MESSAGE.matcher(line);
            if (m.matches()) {
                result.merge(Long.parseLong(m.group(5)), 1, Integer::sum);
            }
        }
        return result;
    }

    static long head(String database) {
        return Long.parseLong(rows(database, "SELECT coalesce(max(seq), 0) FROM audit.record").get(0).get(0));
    }

    static long position(String database) {
        return position(database, "siem");
    }

    static long position(String database, String destination) {
        List<List<String>> rows = rows(database, "SELECT position FROM audit_forward_position WHERE destination = '" + destination + "'");
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).get(0));
    }

    /** A query on the test's database by its URL: it outlives the servers that come and go. */
    static List<List<String>> rows(String databaseUrl, String sql) {
        String name = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
        try (java.sql.Connection c = SharedPostgres.get().getDatabase("postgres", name).getConnection();
             java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> result = new java.util.ArrayList<>();
            while (rs.next()) {
                List<String> row = new java.util.ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                result.add(row);
            }
            return result;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
