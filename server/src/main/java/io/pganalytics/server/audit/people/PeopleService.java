package io.pganalytics.server.audit.people;

import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.common.audit.PersonData;
import io.pganalytics.common.audit.PersonErasure;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.AuditViews;
import io.pganalytics.server.audit.StoredRecord;
import io.pganalytics.server.auth.People;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The GDPR requests about one person: the subject-access export and the erasure. The auth data lives in
 * {@link People}; the audit data is the person's records, opened with their key, and the key itself.
 */
final class PeopleService {
    static final int DEFAULT_RECORDS = 500;
    static final int MAX_RECORDS = 2000;

    private final People people;
    private final PersonRecords records;
    private final AuditLog log;
    private final AuditViews views;
    private final ErasedKeys erasedKeys;
    private final Clock clock;

    PeopleService(People people, PersonRecords records, AuditLog log, AuditViews views, ErasedKeys erasedKeys, Clock clock) {
        this.people = people;
        this.records = records;
        this.log = log;
        this.views = views;
        this.erasedKeys = erasedKeys;
        this.clock = clock;
    }

    /**
     * Everything stored about the person, with at most {@code limit} of their audit records after {@code afterSeq}.
     * The export itself is recorded (before it is answered) as {@code person.export}.
     */
    PersonData export(long userId, long afterSeq, int limit, AuditEvent.Actor actor) {
        String id = Long.toString(userId);
        People.Stored stored = people.read(userId);
        PersonRecords.KeyState key = records.keyState(id);
        long total = records.count(id);
        if (stored.account().isEmpty() && !key.exists() && total == 0) {
            throw notFound(userId);
        }
        List<StoredRecord> page = records.page(id, afterSeq, limit + 1);
        boolean more = page.size() > limit;
        List<AuditRecordView> opened = page.subList(0, Math.min(limit, page.size())).stream().map(views::view).toList();
        Long next = more ? opened.get(opened.size() - 1).seq() : null;
        log.appendNow(AuditEvent.api("person.export").actor(actor).resource("user", id).status(200, null)
                .detail("afterSeq", afterSeq).detail("records", opened.size()).detail("recordsTotal", total));
        String note = "Secrets (password hash, second-factor secrets, backup codes, token values) are not exported, only that they"
                + " exist and their dates. Audit records: " + opened.size() + " of " + total + " by or about the person"
                + (more ? "; ask again with afterSeq=" + next + " for the next ones (at most " + MAX_RECORDS + " a page)" : "")
                + (key.erasedAt() != null ? "; the person's data was erased: personal fields of their records are unreadable" : "") + ".";
        return new PersonData(id, clock.instant(), stored.account().orElse(null), stored.identities(), stored.factors(),
                stored.backupCodes().orElse(null), stored.sessions(), stored.registrationTokensCreated(),
                key.erasedAt() == null ? null : new PersonData.Erasure(key.erasedAt(), key.erasedBy()),
                opened, total, next, note);
    }

    /** Refuses at once, before the confirmation is asked for, what can never be erased: nothing, themself, the last admin. */
    void check(long userId, Caller caller) {
        String id = Long.toString(userId);
        people.refuseErasing(userId, caller);
        PersonRecords.KeyState key = records.keyState(id);
        if (key.erasedAt() != null) {
            throw alreadyErased(userId, key);
        }
        if (people.read(userId).account().isEmpty() && !key.exists() && records.count(id) == 0) {
            throw notFound(userId);
        }
    }

    /**
     * In one transaction: deletes the person's account, identities, factors and sessions, destroys their audit key and
     * records the erasure (with counts, no personal data); then tells every node to forget the key.
     */
    PersonErasure erase(long userId, Caller caller, AuditEvent.Actor actor) {
        String id = Long.toString(userId);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long[] sealed = new long[1];
        People.Deleted[] deleted = new People.Deleted[1];
        long seq = people.erase(userId, caller, (c, gone) -> {
            PersonRecords.KeyState key = records.keyState(c, id, true);
            if (key.erasedAt() != null) {
                throw alreadyErased(userId, key);
            }
            if (!gone.account() && !key.exists() && records.count(id) == 0) {
                throw notFound(userId);
            }
            sealed[0] = records.sealedFor(c, id);
            records.destroyKey(c, id, at, caller.id());
            deleted[0] = gone;
            return log.append(c, AuditEvent.change("person.erase", "user", id).actor(actor)
                    .detail("accountDeleted", gone.account()).detail("identities", gone.identities()).detail("factors", gone.factors())
                    .detail("backupCodes", gone.backupCodes()).detail("sessions", gone.sessions())
                    .detail("registrationTokens", gone.registrationTokens()).detail("auditRecordsSealed", sealed[0]));
        });
        int nodes = erasedKeys.announce(id);
        People.Deleted gone = deleted[0];
        return new PersonErasure(id, at, gone.account(), gone.identities(), gone.factors(), gone.backupCodes(), gone.sessions(),
                gone.registrationTokens(), sealed[0], seq, nodes);
    }

    private static ApiException notFound(long userId) {
        return ApiException.notFound("nothing is stored about user " + userId + ": no account, no audit record");
    }

    private static ApiException alreadyErased(long userId, PersonRecords.KeyState key) {
        return ApiException.conflict("the data of user " + userId + " was already erased at " + key.erasedAt() + " by user " + key.erasedBy());
    }
}
