/**
 * The collector administration API's requests and responses: one-time registration tokens, registered collectors
 * and their heartbeats. Read by the server's routes and the console's administration screens. The registration
 * exchange itself (what a collector sends and receives) is in {@link io.pganalytics.common.wire}.
 */
package io.pganalytics.common.collectors;
