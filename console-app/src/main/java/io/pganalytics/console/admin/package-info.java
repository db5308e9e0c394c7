/**
 * Administration, for admins: users (create, enable or disable, roles, reset MFA, delete), identity providers (create, edit,
 * enable or disable, delete, test the connection) and the keys of encryption at rest (the provider, key-encryption key
 * versions, data keys, what they seal, the re-wrap's progress; rotate and retire). A change the server
 * wants confirmed shows the server's own summary in one dialog and is sent again with its token once the person
 * confirms; changes the server guards with a step-up ask for a fresh second factor and are sent once more after it.
 */
package io.pganalytics.console.admin;
