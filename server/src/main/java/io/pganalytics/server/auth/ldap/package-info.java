/**
 * LDAP and Active Directory sign-in ({@link io.pganalytics.server.auth.ldap.LdapKind}): a service bind from a pool,
 * a user search built with the SDK's filter escaping, a bind as the user on a connection of its own, groups from
 * memberOf or a group search (nested groups for Active Directory), over LDAPS or StartTLS checked against a configured
 * trust store; and the directory sync job that keeps the local copies of directory users in step.
 */
package io.pganalytics.server.auth.ldap;
