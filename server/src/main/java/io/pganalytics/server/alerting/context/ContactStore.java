package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.OnCallContact;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The address each person is notified at when on call ({@code oncall_contact}). */
final class ContactStore {
    static final int MAX_LISTED = 1000;
    static final String UPDATE_ACTION = "alerting.contact.update";
    /** One address: a local part, an at sign and a domain with a dot; no blanks. Whether it receives mail is the mail server's word. */
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    private final ContextDb db;
    private final ContextNotices notices;
    private final Clock clock;

    ContactStore(ContextDb db, ContextNotices notices, Clock clock) {
        this.db = db;
        this.notices = notices;
        this.clock = clock;
    }

    List<OnCallContact> list() {
        return db.read("reading on-call contacts", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT c.user_id, u.username, c.email FROM oncall_contact c JOIN auth_user u ON u.id = c.user_id
                    ORDER BY lower(u.username) LIMIT ?""")) {
                ps.setInt(1, MAX_LISTED);
                List<OnCallContact> contacts = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        contacts.add(new OnCallContact(rs.getLong(1), rs.getString(2), rs.getString(3)));
                    }
                }
                return contacts;
            }
        });
    }

    /** A person's contact: 404 for an unknown user or one without an address. */
    OnCallContact find(long userId) {
        return db.read("reading the contact of user " + userId, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT u.id, u.username, c.email FROM auth_user u LEFT JOIN oncall_contact c ON c.user_id = u.id WHERE u.id = ?""")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no user with id " + userId);
                    }
                    if (rs.getString(3) == null) {
                        throw ApiException.notFound("user " + rs.getString(2) + " has no on-call contact; PUT /api/v1/oncall/contacts/" + userId);
                    }
                    return new OnCallContact(rs.getLong(1), rs.getString(2), rs.getString(3));
                }
            }
        });
    }

    /** Sets a person's address (400 for a bad one, 404 for an unknown user); audited. */
    OnCallContact put(long userId, String requested, AuditEvent.Actor actor, AuditLog audit) {
        String email = requested == null ? "" : requested.strip();
        if (email.length() > 254 || !EMAIL.matcher(email).matches() || RequestParameters.hasControlCharacter(email)) {
            throw ApiException.invalid("email", "an e-mail address such as dba@example.com (at most 254 characters), was '"
                    + RequestParameters.abbreviate(email) + "'");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OnCallContact result = db.transaction("setting the contact of user " + userId, c -> {
            String username;
            try (PreparedStatement ps = c.prepareStatement("SELECT username FROM auth_user WHERE id = ?")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no user with id " + userId);
                    }
                    username = rs.getString(1);
                }
            }
            String before = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT email FROM oncall_contact WHERE user_id = ? FOR UPDATE")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        before = rs.getString(1);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO oncall_contact (user_id, email, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = EXCLUDED.updated_at""")) {
                ps.setLong(1, userId);
                ps.setString(2, email);
                ps.setTimestamp(3, ContextDb.timestamp(now));
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.change(UPDATE_ACTION, "oncall-contact", Long.toString(userId)).actor(actor)
                    .personalChange(Long.toString(userId), before == null ? null : Map.of("email", before), Map.of("email", email)));
            return new OnCallContact(userId, username, email);
        });
        notices.changed(ContextNotices.ONCALL);
        return result;
    }
}
