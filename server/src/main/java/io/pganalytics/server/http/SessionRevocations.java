package io.pganalytics.server.http;

import java.util.function.Consumer;

/**
 * Sign-in sessions ended before their tokens expire (logout, a revoked session, a user disabled, demoted or deleted),
 * as the whole cluster knows them: for what outlives a single request, such as a live stream, which must end with its
 * session. Implemented by the auth feature over its cluster-wide revocation list.
 */
public interface SessionRevocations {
    /** Whether the session was ended on any node. */
    boolean isRevoked(String sessionId);

    /** Calls {@code onRevoked} with each session id ended from now on, on any node (on a cluster thread: keep it short). */
    void subscribe(Consumer<String> onRevoked);

    /** No sessions are ever revoked: for features wired without authentication (tests of other features). */
    SessionRevocations NONE = new SessionRevocations() {
        @Override
        public boolean isRevoked(String sessionId) {
            return false;
        }

        @Override
        public void subscribe(Consumer<String> onRevoked) {
        }
    };
}
