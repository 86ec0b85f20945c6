/**
 * How a grant's status moves from one state to the next: pure functions from the status as it stands to the status
 * after the step. Each keeps every field it does not change, in place, as the workflow always did (so the `status`
 * query and the records read the same JSON in every version), and gives the new state the fields it requires.
 */
import type {
  ActiveGrant,
  DeniedGrant,
  FailedGrant,
  GrantStatus,
  PendingExtension,
  Revocation,
  RevokeFailing,
  RevokedGrant,
  UnansweredGrant,
} from './grant';

/**
 * The one place the types take the story's word: the step's fields over the status as it stands. A step keeps what
 * it does not change (an ended grant keeps its expiry, an approval its approver), and v1 could still revoke a grant
 * that had just ended (a cancellation while its end was recorded), so the state before is not narrowed here.
 */
function becomes<Next extends GrantStatus>(status: GrantStatus, change: Partial<Next>): Next {
  return { ...status, ...change } as Next;
}

/** An approver approved: the request is being granted. */
export function approve(status: GrantStatus, by: string): GrantStatus {
  return { ...status, approvedBy: by };
}

/** Identity Center confirmed the assignment: the time box runs from `grantedAt` to `expiresAt` (ISO times). */
export function activate(status: GrantStatus, grantedAt: string, expiresAt: string): ActiveGrant {
  return becomes<ActiveGrant>(status, { state: 'active', grantedAt, expiresAt });
}

export function deny(status: GrantStatus, by: string, reason: string | undefined): DeniedGrant {
  return becomes<DeniedGrant>(status, { state: 'denied', deniedBy: by, denyReason: reason, ending: 'denied' });
}

/** Nobody decided in time: the request expires (state `expired`). */
export function leaveUnanswered(status: GrantStatus): UnansweredGrant {
  return becomes<UnansweredGrant>(status, { state: 'expired', ending: 'unanswered' });
}

/** Never granted. `settled`: a revoke of what was half-made confirmed, so nothing is failing any more. */
export function fail(status: GrantStatus, failureReason: string, settled = false): FailedGrant {
  return becomes<FailedGrant>(status, {
    state: 'failed',
    failureReason,
    ...(settled ? { revokeFailing: undefined } : {}),
    ending: 'failed',
  });
}

/**
 * Access ended at `revokedAt` (ISO), revoked by `by`. `settled`: the revoke was confirmed after rounds that may have
 * failed, so nothing is failing any more.
 */
export function endRevoked(
  status: GrantStatus,
  revokedAt: string,
  by: Revocation,
  ending: RevokedGrant['ending'],
  settled = false,
): RevokedGrant {
  return becomes<RevokedGrant>(status, {
    state: 'revoked',
    revokedAt,
    revokedBy: by.by,
    revokeReason: by.reason,
    ...(settled ? { revokeFailing: undefined } : {}),
    ending,
  });
}

/** The requester asked for more time; the approvers decide. */
export function askExtension(status: ActiveGrant, extension: PendingExtension): ActiveGrant {
  return { ...status, pendingExtension: extension };
}

/** The expiry moved to `expiresAt` (ISO); any extension that was asked for is decided. */
export function moveExpiry(status: ActiveGrant, expiresAt: string): ActiveGrant {
  return { ...status, expiresAt, pendingExtension: undefined };
}

/** The extension that was asked for is denied; the expiry stays. */
export function dropExtension(status: ActiveGrant): ActiveGrant {
  return { ...status, pendingExtension: undefined };
}

/** A revoke round failed: since when, how many rounds, what Identity Center said. The state stays. */
export function revokeFailing(status: GrantStatus, failing: RevokeFailing): GrantStatus {
  return becomes<GrantStatus>(status, { revokeFailing: failing });
}
