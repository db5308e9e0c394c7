package io.pganalytics.server.backup;

/**
 * Where a long run reports what it does: the API and the console show it, and a run of another node can be followed
 * from any node. Implementations are cheap to call often (they write at most every few seconds).
 */
public interface Progress {
    /** A run that no one follows (a test, a command that prints nothing). */
    Progress NONE = new Progress() {
        @Override
        public void phase(String phase) {
        }

        @Override
        public void bytes(long done, long total) {
        }
    };

    /** What the run does now, for a person ({@code copying files}, {@code replaying WAL}). */
    void phase(String phase);

    /** Bytes done so far out of {@code total} ({@code -1} when unknown). */
    void bytes(long done, long total);
}
