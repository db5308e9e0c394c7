package io.pganalytics.server.auth.ldap;

import io.pganalytics.server.auth.ExternalIdentity;

/**
 * What the directory says of a user the sync job asks about.
 *
 * @param subject  the entry's stable id when an entry was found (the sync compares it with the local user's)
 * @param identity the user with mapped roles, when {@link State#ACTIVE}
 */
record DirectoryStatus(State state, String subject, ExternalIdentity identity) {
    enum State {
        /** Found, enabled, and the role mapping grants roles. */
        ACTIVE,
        /** No single entry matches the name any more. */
        GONE,
        /** Found, but the directory marks the account disabled. */
        DISABLED,
        /** Found and enabled, but no role maps from its groups: it may not sign in any more. */
        NO_ROLE
    }
}
