package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.SearchResultEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A user's entry as the directory holds it, read by the service account.
 *
 * @param dn       the entry's DN (what the user binds as)
 * @param subject  the stable id: the DN, or the configured attribute's value (entryUUID, objectGUID)
 * @param memberOf the groups the entry itself lists (memberOf mode); empty otherwise
 * @param disabled whether the directory marks the account disabled (AD userAccountControl ACCOUNTDISABLE, OpenLDAP's
 *                 administrative lock {@code pwdAccountLockedTime: 000001010000Z})
 */
record DirectoryUser(String dn, String subject, String username, String displayName, String email,
                     List<String> memberOf, boolean disabled) {
    /** Active Directory's userAccountControl flag of a disabled account. */
    static final int AD_ACCOUNT_DISABLED = 0x2;
    /** ppolicy's value for a lock that only an administrator lifts. */
    static final String PPOLICY_PERMANENT_LOCK = "000001010000Z";
    static final String USER_ACCOUNT_CONTROL = "userAccountControl";
    static final String PWD_ACCOUNT_LOCKED_TIME = "pwdAccountLockedTime";

    DirectoryUser {
        memberOf = List.copyOf(memberOf);
    }

    /** The attributes to ask for. */
    static String[] attributes(LdapSettings settings) {
        List<String> names = new ArrayList<>(List.of(settings.usernameAttribute(), settings.displayNameAttribute(),
                settings.emailAttribute(), PWD_ACCOUNT_LOCKED_TIME));
        if (!settings.subjectAttribute().equalsIgnoreCase(LdapSettings.SUBJECT_DN)) {
            names.add(settings.subjectAttribute());
        }
        if (settings.groupMode() == LdapSettings.GroupMode.MEMBER_OF) {
            names.add(settings.memberOfAttribute());
        }
        if (settings.activeDirectory()) {
            names.add(USER_ACCOUNT_CONTROL);
        }
        return names.toArray(String[]::new);
    }

    /** The entry as a user, or empty when it lacks the user name or subject attribute. */
    static Optional<DirectoryUser> of(SearchResultEntry entry, LdapSettings settings) {
        String username = entry.getAttributeValue(settings.usernameAttribute());
        String subject = subject(entry, settings.subjectAttribute());
        if (username == null || subject == null) {
            return Optional.empty();
        }
        List<String> memberOf = settings.groupMode() == LdapSettings.GroupMode.MEMBER_OF
                && entry.hasAttribute(settings.memberOfAttribute())
                ? List.of(entry.getAttributeValues(settings.memberOfAttribute())) : List.of();
        return Optional.of(new DirectoryUser(entry.getDN(), subject, username,
                entry.getAttributeValue(settings.displayNameAttribute()), entry.getAttributeValue(settings.emailAttribute()),
                memberOf, disabled(entry)));
    }

    private static boolean disabled(SearchResultEntry entry) {
        Long control = entry.getAttributeValueAsLong(USER_ACCOUNT_CONTROL);
        if (control != null && (control & AD_ACCOUNT_DISABLED) != 0) {
            return true;
        }
        // A lock with a time is ppolicy's temporary lockout: the directory refuses the bind until it ends.
        return PPOLICY_PERMANENT_LOCK.equals(entry.getAttributeValue(PWD_ACCOUNT_LOCKED_TIME));
    }

    private static String subject(SearchResultEntry entry, String attribute) {
        if (attribute.equalsIgnoreCase(LdapSettings.SUBJECT_DN)) {
            return entry.getDN();
        }
        Attribute value = entry.getAttribute(attribute);
        if (value == null || !value.hasValue()) {
            return null;
        }
        if (attribute.equalsIgnoreCase("objectGUID")) {
            return guid(value.getValueByteArray());
        }
        return value.getValue().toLowerCase(Locale.ROOT);
    }

    /** Active Directory's GUID in its usual text form (the first three fields are stored little-endian). */
    static String guid(byte[] b) {
        if (b.length != 16) {
            return java.util.HexFormat.of().formatHex(b);
        }
        return String.format(Locale.ROOT, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    }
}
