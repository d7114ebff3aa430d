import { createHash } from 'node:crypto';
import { mergeDocuments } from './policy-document.ts';
import type { ResponseWrites } from './response-input.ts';

/**
 * What makes two responses the same response: the same documents on the same targets, the same tags, the
 * same key to deactivate. Revocation times are left out, so a storm of one session's events revokes once.
 * @example responseKey(a) === responseKey(b) // for two events of one agent breaking one rule
 */
export function responseKey(response: ResponseWrites): string {
  const canonical = JSON.stringify({
    writes: response.writes.map((w) => ({ ...w, document: mergeDocuments(null, w.document) })),
    tags: Object.keys(response.roleTags).sort(),
    effects: response.effects,
  }).replace(/"aws:TokenIssueTime":"[^"]*"/g, '"aws:TokenIssueTime":""');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
