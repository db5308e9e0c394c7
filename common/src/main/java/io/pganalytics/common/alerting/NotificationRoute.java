package io.pganalytics.common.alerting;

import java.util.List;

/**
 * {@code /api/v1/routes}: in {@code position} order, the first route whose matchers all match an incident's labels
 * notifies its receiver or escalation policy (exactly one of the two); {@code continueMatching} lets later routes
 * notify too. Group timings are durations; null takes the server's defaults.
 *
 * @param id                 the route's id
 * @param position           its order
 * @param name               what it is for
 * @param matchers           all must match; none = every incident
 * @param receiverId         a receiver
 * @param escalationPolicyId or an escalation policy
 * @param groupWait          how long a new incident waits for related alerts before its first notification
 * @param groupInterval      the least time between two updates of one incident
 * @param repeatInterval     how often a firing, unacknowledged incident is notified again
 * @param continueMatching   whether later routes are tried too
 * @param version            the optimistic-lock version
 */
public record NotificationRoute(Long id, int position, String name, List<Matcher> matchers, Long receiverId, Long escalationPolicyId,
                                String groupWait, String groupInterval, String repeatInterval, boolean continueMatching, long version) {

    public NotificationRoute {
        matchers = matchers == null ? List.of() : List.copyOf(matchers);
    }
}
