/**
 * Registration: the {@code register} subcommand exchanges an admin-issued one-time token for the collector's
 * identity ({@code POST /api/v1/collectors/register}), and {@link io.pganalytics.collector.register.IdentityFile}
 * stores it owner-only and atomically, and reads it back for {@code run} and {@code simulate}.
 * The credential is never printed or logged.
 */
package io.pganalytics.collector.register;
