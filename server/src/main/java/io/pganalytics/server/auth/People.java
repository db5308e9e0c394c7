package io.pganalytics.server.auth;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.audit.PersonData;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What the auth tables hold about one person, for the GDPR requests (io.pganalytics.server.audit.people): read it all
 * for an access request, and delete it all for an erasure: the account, its external identity link, second factors,
 * backup codes and sessions (whose tokens are refused at once on every node). The audit's part of an erasure (the
 * person's key destroyed, the erasure recorded) runs in the same transaction through {@link Completion}.
 */
public final class People {
    private static final Logger LOG = LoggerFactory.getLogger(People.class);

    private final Database database;
    private final AuthService auth;
    private final UserRepository users;
    private final PersonalDataRepository repository = new PersonalDataRepository();

    People(Database database, AuthService auth) {
        this.database = database;
        this.auth = auth;
        this.users = new UserRepository(database);
    }

    /** Everything the auth tables hold about the person; the account is empty when there is none (any more). */
    public record Stored(Optional<PersonData.Account> account, List<PersonData.Identity> identities, List<PersonData.Factor> factors,
                         Optional<PersonData.BackupCodes> backupCodes, List<PersonData.Session> sessions, long registrationTokensCreated) {
    }

    /** What an erasure deleted from the auth tables. */
    public record Deleted(boolean account, int identities, int factors, int backupCodes, int sessions, int registrationTokens) {
    }

    /** The rest of an erasure, in its transaction, after the auth data is gone: returns the seq of its audit record. */
    @FunctionalInterface
    public interface Completion {
        long complete(Connection c, Deleted deleted) throws SQLException;
    }

    public Stored read(long userId) {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                Optional<PersonData.Account> account = repository.account(c, userId);
                Stored stored = new Stored(account, repository.identities(c, userId), repository.factors(c, userId),
                        repository.backupCodes(c, userId), repository.sessions(c, userId),
                        account.isPresent() ? repository.registrationTokensCreated(c, account.get().username()) : 0);
                c.commit();
                return stored;
            } finally {
                c.rollback();
                c.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the personal data of user " + userId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses, before anything is asked or changed, an erasure that can never be done: of the caller themself, or of
     * the last enabled admin (checked again under the admins' lock by {@link #erase}).
     */
    public void refuseErasing(long userId, Caller caller) {
        if (Long.toString(userId).equals(caller.id())) {
            throw ApiException.conflict("you cannot erase your own data: ask another admin");
        }
        Optional<DUser> user = users.findById(userId);
        if (user.isPresent() && user.get().isEnabled() && Users.hasAdmin(user.get().getRoles()) && users.countEnabledAdmins() <= 1) {
            throw ApiException.conflict("user " + userId + " is the last enabled admin: make another user an admin before erasing them");
        }
    }

    /**
     * Deletes everything the auth tables hold about the person and runs {@code completion}, all in one transaction;
     * ends the person's sessions on every node. Refuses (409) the caller themself and the last enabled admin.
     *
     * @return the seq {@code completion} returned
     */
    public long erase(long userId, Caller caller, Completion completion) {
        try (Transaction tx = database.beginTransaction()) {
            users.lockAdmins();
            refuseErasing(userId, caller);
            Connection c = tx.connection();
            Optional<PersonData.Account> account = repository.account(c, userId);
            int identities = repository.identities(c, userId).size();
            int factors = repository.count(c, "SELECT count(*) FROM auth_mfa_factor WHERE user_id = ?", userId);
            int backupCodes = repository.count(c, "SELECT count(*) FROM auth_mfa_backup_code WHERE user_id = ?", userId);
            int sessions = repository.count(c, "SELECT count(*) FROM auth_session WHERE user_id = ?", userId);
            int tokens = 0;
            if (account.isPresent()) {
                auth.revokeSessionsOf(userId, "user-erased");
                tokens = repository.pseudonymiseRegistrationTokens(c, account.get().username(), "user " + userId + " (erased)");
                repository.deleteAccount(c, userId);
            }
            long seq = completion.complete(c, new Deleted(account.isPresent(), identities, factors, backupCodes, sessions, tokens));
            tx.commit();
            LOG.info("people: {} erased the data of user {}: account {}, {} session(s), {} factor(s)", caller.id(), userId,
                    account.isPresent() ? "deleted" : "already gone", sessions, factors);
            return seq;
        } catch (SQLException e) {
            throw new IllegalStateException("erasing the data of user " + userId + ": " + e.getMessage(), e);
        }
    }
}
