package io.pganalytics.server.auth.provider;

import io.pganalytics.server.auth.ExternalIdentity;

/** A provider that checks a user name and password itself (LDAP, Active Directory). */
public interface PasswordProvider extends IdentityProvider {
    /**
     * Checks the credentials and maps the person's roles. Throws {@code ApiException.unauthenticated} with the same
     * words as a wrong local password when the name or password is wrong or the mapping refuses, and
     * {@code ApiException.unavailable} when the provider cannot be reached.
     */
    ExternalIdentity authenticate(String username, String password);
}
