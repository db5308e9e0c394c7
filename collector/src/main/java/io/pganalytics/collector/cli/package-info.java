/**
 * Command-line plumbing shared by the subcommands: option parsing ({@code --name value}, {@code --name=value},
 * flags) and the usage error that makes {@code Main} print a message and exit with status 2.
 */
package io.pganalytics.collector.cli;
