/**
 * The API's error envelope and its closed set of error types, shared by the server (which writes them)
 * and every client (which reads them).
 */
package io.pganalytics.common.api;
