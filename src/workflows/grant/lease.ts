/**
 * Grants are leases: at the expiry, a later grant of the same person on the same target carries the access on, and
 * this one hands over instead of removing the assignment.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { laterLease, laterLeaseOf } from './activities';
import { describeFailure } from './failures';
import type { Grant } from './state';

/**
 * At the expiry (not after a revoke): the later lease of the same person on the same target, if any. v2 asks
 * Temporal, briefly, and ends access on time if it cannot tell; v1 asks the records (from `lease-handover` on).
 * Returns the activity's own promise, so the story awaits exactly what it always awaited.
 */
export function laterLeaseCheck(
  grant: Grant,
  principalId: string,
): Promise<{ workflowId: string; expiresAt: string } | undefined> | undefined {
  const { request, status } = grant;
  // After a revoke nothing is handed over; at the expiry the access is active (nothing else ends the wait).
  if (grant.revocation || status.state !== 'active') return undefined;
  const lease = {
    requestId: request.requestId,
    principalId,
    target: request.target,
    expiresAt: status.expiresAt,
  };
  if (grant.version.v2) {
    return laterLeaseOf({ ...lease, email: request.requester.email }).catch((error: unknown) => {
      grant.announcer.alert(
        `Keycard could not ask Temporal whether ${request.requester.email} holds a later grant of the same access ` +
          `(${describeFailure(error)}), so ${workflowInfo().workflowId} removes the assignment on time. If a later ` +
          'grant of the same person is active, that person must request again.',
      );
      return undefined;
    });
  }
  if (patched('lease-handover')) return laterLease(lease);
  return undefined;
}
