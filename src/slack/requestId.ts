import { createHash } from 'node:crypto';

/** A retried delivery of the same slash command carries the same trigger id, so it maps to the same request. */
export function requestIdFor(teamId: string, triggerId: string): string {
  return createHash('sha256').update(`${teamId}:${triggerId}`).digest('hex').slice(0, 24);
}
