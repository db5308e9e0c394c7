package io.pganalytics.common.audit;

import java.time.Instant;

/**
 * The answer of {@code POST /api/v1/admin/people/{userId}/erase}: what was deleted, and the audit record that says so.
 * It holds no personal data: the person is named by their (now pseudonymous) user id only.
 *
 * @param userId             the erased person's user id
 * @param erasedAt           when
 * @param accountDeleted     whether an account still existed and was deleted (false when only audit data was left)
 * @param identities         external identity links deleted
 * @param factors            second factors deleted
 * @param backupCodes        backup codes deleted
 * @param sessions           sessions deleted (their tokens refused at once on every node)
 * @param registrationTokens collector registration tokens whose creator's name was replaced by the user id
 * @param auditRecords       audit records whose personal fields became unreadable (by or about the person)
 * @param auditSeq           the seq of the {@code person.erase} record
 * @param nodesForgotten     how many server nodes confirmed they dropped the person's key from memory (all of them
 *                           normally; a node that did not answer in time is logged)
 */
public record PersonErasure(String userId, Instant erasedAt, boolean accountDeleted, int identities, int factors, int backupCodes,
                            int sessions, int registrationTokens, long auditRecords, long auditSeq,
                            int nodesForgotten) {
}
