/**
 * Administration, for admins: users (create, enable or disable, roles, reset MFA) and identity providers (create,
 * edit, enable or disable, delete, test the connection). Changes the server guards with a step-up ask for a fresh
 * second factor and are sent once more after it.
 */
package io.pganalytics.console.admin;
