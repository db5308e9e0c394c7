package io.pganalytics.common.audit;

import java.util.List;

/**
 * Who made an audited call or change.
 *
 * @param kind      {@code user}, {@code collector}, {@code system} (the server itself: jobs, start-up) or
 *                  {@code anonymous} (a call without valid credentials)
 * @param id        the user's or collector's id; null for system and anonymous
 * @param name      the user or collector name; null when the person's data was erased (GDPR) or for anonymous calls
 * @param roles     a person's roles at the time (wire names)
 * @param address   the client's address as the server trusts it (the peer, or the forwarded address a trusted proxy
 *                  gave); null when erased
 * @param userAgent the client's User-Agent, bounded; null when erased or absent
 */
public record AuditActor(String kind, String id, String name, List<String> roles, String address, String userAgent) {
    public AuditActor {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }
}
