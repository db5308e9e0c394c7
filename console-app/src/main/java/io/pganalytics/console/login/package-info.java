/**
 * Signing in: username and password today; the screen keeps a place for single sign-on and MFA (a disabled SSO
 * area that says why), which arrive with the server's support for them. Resumes a saved session first.
 */
package io.pganalytics.console.login;
