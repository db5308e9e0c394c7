package io.pganalytics.server.alerting;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a rule's summary (a Mustache template of one line) for an alert: every label by name
 * ({@code {{instance}}}, {@code {{alertname}}}, a rule or instance label), {@code {{value}}} (rounded to 3 significant
 * decimals; empty for absence) and {@code {{labels.<name>}}}. Missing names render empty; nothing is HTML-escaped
 * (a summary is plain text: each channel escapes it for its format).
 */
final class Summaries {
    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false).defaultValue("");

    private Summaries() {
    }

    static Template compile(String summary) {
        return COMPILER.compile(summary);
    }

    static String render(Template template, Map<String, String> labels, Double value) {
        Map<String, Object> context = new HashMap<>(labels);
        context.put("labels", labels);
        context.put("value", value == null ? "" : format(value));
        String text = template.execute(context).replace('\n', ' ').strip();
        return text.length() > RuleChecks.MAX_SUMMARY ? text.substring(0, RuleChecks.MAX_SUMMARY) : text;
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
