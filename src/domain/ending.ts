/**
 * How a grant ended. The workflow says it once, in the status's `ending`; statuses of runs started before `ending`
 * existed (and what older code recorded) lack it, and this is the one place that tells it from the other fields.
 */
import { KEYCARD_ACTOR, type GrantEnding, type GrantStatusFields, type Revocation } from './grant';

/** The revocation Keycard itself makes when access reaches its expiry. */
export const EXPIRY: Revocation = { by: KEYCARD_ACTOR, reason: 'expired' };

const HANDED_OVER_PREFIX = 'expired; access continues under ';

/** The revoke reason of a grant that, at its expiry, hands its access over to a later lease of the same person. */
export function handOverReason(laterWorkflowId: string, until: string): string {
  return `${HANDED_OVER_PREFIX}${laterWorkflowId} until ${until}`;
}

/** The fields endingOf reads: any status, of any version, or a record of one. */
export type EndingFacts = Pick<GrantStatusFields, 'state' | 'ending' | 'revokedBy' | 'revokeReason'>;

/** How the grant ended, or undefined while it lives (pending or active). */
export function endingOf(status: EndingFacts): GrantEnding | undefined {
  if (status.ending) return status.ending;
  switch (status.state) {
    case 'pending':
    case 'active':
      return undefined;
    case 'denied':
      return 'denied';
    case 'expired':
      return 'unanswered';
    case 'failed':
      return 'failed';
    case 'revoked':
      return revocationEnding({ by: status.revokedBy, reason: status.revokeReason });
  }
}

/**
 * What a revocation without a said ending meant, from who made it and why: Keycard's own at the expiry, Keycard's
 * hand-over to a later lease, or anyone else's (a person, an operator, a cancellation). A revocation before anything
 * was assigned cannot be told from these and reads as revoked.
 */
export function revocationEnding(by: { by?: string; reason?: string }): 'expired' | 'handed_over' | 'revoked' {
  if (by.by !== KEYCARD_ACTOR) return 'revoked';
  if (by.reason === EXPIRY.reason) return 'expired';
  return by.reason?.startsWith(HANDED_OVER_PREFIX) ? 'handed_over' : 'revoked';
}
