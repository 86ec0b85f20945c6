import { KEYCARD_ACTOR, type GrantStatus } from '../domain/grant';

/**
 * Whether access ended because its time ran out, not because someone revoked it. Today the status only says so
 * through who revoked and why; this is the one place that reads it that way, until the status carries its ending.
 */
export function ranOut(status: GrantStatus): boolean {
  return status.revokedBy === KEYCARD_ACTOR && status.revokeReason === 'expired';
}
