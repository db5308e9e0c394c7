package io.pganalytics.common.alerting;

/**
 * Who one escalation level notifies: exactly one of the three.
 *
 * @param schedule whoever is on call in this schedule (by mail, through the policy's email receiver)
 * @param user     this person (by mail)
 * @param receiver this receiver
 */
public record EscalationTarget(Long schedule, Long user, Long receiver) {
}
