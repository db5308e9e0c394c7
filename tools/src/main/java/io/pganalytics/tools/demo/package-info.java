/**
 * {@code demo}: runs the whole product on a laptop from outside, as a user would: starts the server jar as a child
 * process on its embedded PostgreSQL, logs in, registers this collector, creates a demo database with a realistic
 * workload ({@link io.pganalytics.tools.demo.DemoWorkload}) in that PostgreSQL, monitors it with an in-process
 * agent, optionally opens the console, and can check through the API that the data arrived.
 */
package io.pganalytics.tools.demo;
