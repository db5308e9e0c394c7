/** The authentication API's requests and responses, and the roles a user can hold. */
package io.pganalytics.common.auth;
