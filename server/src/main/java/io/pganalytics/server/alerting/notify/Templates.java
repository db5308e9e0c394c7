package io.pganalytics.server.alerting.notify;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The message templates (Mustache, resources under {@code io/pganalytics/server/alerting/notify/templates/}), one per
 * channel, each compiled once with the escaping of its format: JSON strings for the webhook, Teams and PagerDuty
 * bodies, Slack's {@code mrkdwn} entities inside JSON strings for Slack, none for the plain-text mail (its subject loses
 * line breaks). The context is the incident as it is at send time (see {@link #context}).
 */
final class Templates {
    static final String EMAIL_SUBJECT = "email-subject.mustache";
    static final String EMAIL_BODY = "email-body.mustache";
    static final String WEBHOOK = "webhook.json.mustache";
    static final String SLACK = "slack.json.mustache";
    static final String TEAMS = "teams.json.mustache";
    static final String PAGERDUTY = "pagerduty.json.mustache";
    private static final String DIRECTORY = "/io/pganalytics/server/alerting/notify/templates/";

    private final Map<String, Template> templates = new HashMap<>();

    Templates() {
        Mustache.Compiler text = Mustache.compiler().escapeHTML(false).defaultValue("").emptyStringIsFalse(true);
        Mustache.Compiler json = Mustache.compiler().withEscaper(Templates::json).defaultValue("").emptyStringIsFalse(true);
        Mustache.Compiler slack = Mustache.compiler().withEscaper(raw -> json(slack(raw))).defaultValue("").emptyStringIsFalse(true);
        templates.put(EMAIL_SUBJECT, compile(text, EMAIL_SUBJECT));
        templates.put(EMAIL_BODY, compile(text, EMAIL_BODY));
        templates.put(WEBHOOK, compile(json, WEBHOOK));
        templates.put(SLACK, compile(slack, SLACK));
        templates.put(TEAMS, compile(json, TEAMS));
        templates.put(PAGERDUTY, compile(json, PAGERDUTY));
    }

    String render(String name, Map<String, Object> context) {
        String rendered = templates.get(name).execute(context);
        return EMAIL_SUBJECT.equals(name) ? rendered.replaceAll("[\\r\\n\\t]+", " ").strip() : rendered;
    }

    /** What one notification shows: the incident now, the event, where it goes. */
    static Map<String, Object> context(IncidentSnapshot incident, Delivery delivery, Instant now) {
        Map<String, Object> context = new LinkedHashMap<>();
        String event = delivery.acknowledgement() ? "acknowledged" : delivery.event();
        context.put("notificationId", delivery.id());
        context.put("event", event);
        context.put("headline", switch (event) {
            case "firing" -> "FIRING";
            case "resolved" -> "RESOLVED";
            case "acknowledged" -> "ACKNOWLEDGED";
            case "escalated" -> "ESCALATED";
            case "repeat" -> "STILL FIRING";
            default -> "UPDATED";
        });
        context.put("resolved", "resolved".equals(event) || "resolved".equals(incident.state()));
        context.put("acknowledged", incident.acknowledgedAt() != null);
        context.put("sentAt", now.toString());
        context.put("recipient", delivery.recipient() == null ? "" : delivery.recipient());
        context.put("escalationLevel", delivery.level() == null ? "" : Integer.toString(delivery.level() + 1));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", incident.id());
        view.put("state", incident.state());
        view.put("severity", incident.severity());
        view.put("severityUpper", incident.severity().toUpperCase(Locale.ROOT));
        view.put("title", incident.title());
        view.put("instance", incident.instanceName() == null ? "" : incident.instanceName());
        view.put("openedAt", text(incident.openedAt()));
        view.put("acknowledgedAt", text(incident.acknowledgedAt()));
        view.put("acknowledgedBy", incident.acknowledgedBy() == null ? "" : incident.acknowledgedBy());
        view.put("resolvedAt", text(incident.resolvedAt()));
        view.put("alertCount", incident.alertCount());
        context.put("incident", view);
        List<Map<String, Object>> alerts = new ArrayList<>();
        long firing = 0;
        for (IncidentSnapshot.Alert alert : incident.alerts()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", alert.id());
            a.put("name", alert.name());
            a.put("state", alert.state());
            a.put("severity", alert.severity());
            a.put("summary", alert.summary());
            a.put("value", alert.value() == null ? "" : format(alert.value()));
            a.put("hasValue", alert.value() != null);
            a.put("valueJson", alert.value() == null || alert.value().isNaN() || alert.value().isInfinite() ? "null" : format(alert.value()));
            a.put("firedAt", text(alert.firedAt()));
            a.put("resolvedAt", text(alert.resolvedAt()));
            a.put("suppressed", alert.suppressed());
            List<Map<String, String>> labels = new ArrayList<>();
            alert.labels().forEach((key, value) -> labels.add(Map.of("name", key, "value", value)));
            a.put("labels", labels);
            alerts.add(a);
            firing += "firing".equals(alert.state()) ? 1 : 0;
        }
        context.put("alerts", alerts);
        context.put("firingCount", firing);
        context.put("moreAlerts", Math.max(0, incident.alertCount() - incident.alerts().size()));
        context.put("hasMoreAlerts", incident.alertCount() > incident.alerts().size());
        context.put("hints", incident.hints());
        context.put("hasHints", !incident.hints().isEmpty());
        context.put("dedupKey", "pganalytics-incident-" + incident.id());
        context.put("pagerdutyAction", "resolved".equals(event) || "resolved".equals(incident.state()) ? "resolve"
                : incident.acknowledgedAt() != null ? "acknowledge" : "trigger");
        context.put("trigger", "trigger".equals(context.get("pagerdutyAction")));
        context.put("pagerdutySeverity", switch (incident.severity()) {
            case "critical" -> "critical";
            case "warning" -> "warning";
            default -> "info";
        });
        context.put("color", "resolved".equals(event) ? "#2eb67d" : "critical".equals(incident.severity()) ? "#e01e5a" : "#ecb22e");
        context.put("teamsStyle", "resolved".equals(event) ? "good" : "critical".equals(incident.severity()) ? "attention" : "warning");
        return context;
    }

    /** One row of the notification log as the dispatcher renders it. */
    record Delivery(long id, String event, String recipient, Integer level, boolean acknowledgement) {
    }

    private static String text(Instant at) {
        return at == null ? "" : at.toString();
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : String.format(Locale.ROOT, "%.4g", value);
    }

    /** The inside of a JSON string. */
    static String json(String raw) {
        StringBuilder out = new StringBuilder(raw.length() + 8);
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Slack's control characters in message text (its docs: escape &, < and >). */
    static String slack(String raw) {
        return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Template compile(Mustache.Compiler compiler, String name) {
        try (InputStream in = Templates.class.getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("notification template " + name + " is missing from the server's resources");
            }
            return compiler.compile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading notification template " + name, e);
        }
    }
}
