/** How every pgAnalytics component maps JSON: one configuration, so that what one side writes the other reads. */
package io.pganalytics.common.json;
