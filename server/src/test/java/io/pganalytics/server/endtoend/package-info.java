/** End-to-end tests: a real collector process, a real monitored PostgreSQL under load, a real server. */
package io.pganalytics.server.endtoend;
