/** Query insights: the top statements over the range in five orders, the full text in a monospace viewer, a timeline. */
package io.pganalytics.console.queries;
