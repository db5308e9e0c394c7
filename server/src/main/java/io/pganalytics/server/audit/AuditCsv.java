package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.audit.AuditRecordView;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * The CSV download, for people: one opened record ({@link AuditRecordView}) a row, personal fields readable where the
 * person's key lives. Every cell is quoted; a cell a spreadsheet would take for a formula (starting with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return) is prefixed with {@code '} (OWASP's CSV injection
 * advice), so that an actor's user agent or a resource name never runs as a formula.
 */
final class AuditCsv {
    static final String MEDIA_TYPE = "text/csv; charset=utf-8";
    static final List<String> HEADER = List.of("seq", "at", "node", "category", "action", "outcome", "actor_kind", "actor_id",
            "actor_name", "actor_roles", "actor_address", "actor_user_agent", "resource_type", "resource_id", "status",
            "error_type", "duration_us", "subject_id", "personal", "before", "after", "details", "hash");

    private AuditCsv() {
    }

    static void header(Writer out) throws IOException {
        row(out, HEADER);
    }

    static void write(Writer out, AuditRecordView r) throws IOException {
        row(out, List.of(Long.toString(r.seq()), AuditJsonLines.at(r.at()), r.node(), r.category(), r.action(), r.outcome(),
                r.actor().kind(), nullToEmpty(r.actor().id()), nullToEmpty(r.actor().name()), String.join(" ", r.actor().roles()),
                nullToEmpty(r.actor().address()), nullToEmpty(r.actor().userAgent()), nullToEmpty(r.resourceType()),
                nullToEmpty(r.resourceId()), r.status() == null ? "" : r.status().toString(), nullToEmpty(r.errorType()),
                r.durationMicros() == null ? "" : r.durationMicros().toString(), nullToEmpty(r.subjectId()), r.personal(),
                json(r.before()), json(r.after()), json(r.details()), r.hash()));
    }

    /** One cell, quoted, with its quotes doubled and a formula-looking start defused. */
    static String cell(String value) {
        String text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static void row(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells.get(i)));
        }
        out.write("\r\n");
    }

    private static String json(JsonNode node) {
        return node == null || node.isNull() ? "" : node.toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
