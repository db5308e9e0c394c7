package io.pganalytics.common.alerting;

/**
 * A label matcher of a silence or a route.
 *
 * @param label the label's name
 * @param op    {@code =}, {@code !=}, {@code =~} (a regular expression matching the whole value) or {@code !~}
 * @param value the value or expression
 */
public record Matcher(String label, String op, String value) {
}
