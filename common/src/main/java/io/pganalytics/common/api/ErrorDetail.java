package io.pganalytics.common.api;

/**
 * One problem with one part of a request.
 *
 * @param field   the JSON path or parameter name ({@code roles[1]}, {@code from}), or empty for the whole request
 * @param problem what is wrong with it, as a sentence a person can act on
 */
public record ErrorDetail(String field, String problem) {
    public ErrorDetail {
        field = field == null ? "" : field;
        problem = problem == null ? "" : problem;
    }
}
