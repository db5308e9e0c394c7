/**
 * Connecting to a server: its address, first contact, and the decision to trust (pin) a self-signed certificate by
 * its SHA-256 fingerprint, with a loud warning when a pinned certificate changed.
 */
package io.pganalytics.console.connect;
