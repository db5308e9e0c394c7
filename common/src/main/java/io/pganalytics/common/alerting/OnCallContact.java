package io.pganalytics.common.alerting;

/**
 * {@code /api/v1/oncall/contacts}: the address a person is notified at when on call.
 *
 * @param userId   the user
 * @param username their user name (answers only)
 * @param email    the address
 */
public record OnCallContact(long userId, String username, String email) {
}
