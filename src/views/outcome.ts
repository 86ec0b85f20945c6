/**
 * Where a request stands, in one line: the approval message shows it after a decision, and a refused revoke quotes it.
 */
import { endingOf } from '../domain/ending';
import type { GrantStatus } from '../domain/grant';
import { formatUtc } from '../domain/time';
import { escapeLine, mention } from './text';

export function outcomeLine(status: GrantStatus): string | undefined {
  switch (status.state) {
    case 'pending':
      return status.approvedBy ? `Approved by ${mention(status.approvedBy)} — granting access…` : undefined;
    case 'active':
      return `Approved by ${mention(status.approvedBy ?? 'keycard')} — access until ${formatUtc(status.expiresAt)}`;
    case 'denied':
      return `Denied by ${mention(status.deniedBy ?? 'unknown')}: ${escapeLine(status.denyReason ?? '')}`;
    case 'expired':
      return 'Expired unanswered';
    case 'revoked':
      return endingOf(status) === 'expired'
        ? `Access ended at ${formatUtc(status.revokedAt)}`
        : `Revoked by ${mention(status.revokedBy ?? 'unknown')} at ${formatUtc(status.revokedAt)}: ${escapeLine(status.revokeReason ?? '')}`;
    case 'failed':
      return `Not granted: ${escapeLine(status.failureReason ?? 'unknown failure')}`;
  }
}
