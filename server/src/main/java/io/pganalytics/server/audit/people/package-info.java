/**
 * GDPR requests about one person (docs/audit/gdpr.md): the subject-access export of everything stored about them
 * ({@code GET /admin/people/{userId}/data}) and the erasure of their personal data
 * ({@code POST /admin/people/{userId}/erase}), which destroys their audit key so that every record stays in the chain,
 * hash intact, with its personal fields unreadable on every node.
 */
package io.pganalytics.server.audit.people;
