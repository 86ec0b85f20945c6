/**
 * Grants are leases: at the expiry, a later grant of the same person on the same target carries the access on, and
 * this one hands over instead of removing the assignment.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { laterLease, laterLeaseOf, laterLeasesOf } from './activities';
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

/**
 * v4, at the expiry or after a revoke: for each pair of the grant, the later lease of the same person covering it.
 * After a revoke nothing is carried on (every entry undefined, nothing asked). If Temporal cannot tell, every pair is
 * removed on time and an operator is told.
 */
export async function laterLeasesCheck(
  grant: Grant,
  principalId: string,
): Promise<({ workflowId: string; expiresAt: string } | undefined)[]> {
  const { request, status, targets } = grant;
  const none = targets.map(() => undefined);
  if (grant.revocation || status.state !== 'active') return none;
  try {
    return await laterLeasesOf({
      requestId: request.requestId,
      email: request.requester.email,
      principalId,
      targets,
      expiresAt: status.expiresAt,
    });
  } catch (error) {
    grant.announcer.alert(
      `Keycard could not ask Temporal whether ${request.requester.email} holds a later grant of the same access ` +
        `(${describeFailure(error)}), so ${workflowInfo().workflowId} removes its assignments on time. If a later ` +
        'grant of the same person is active, that person must request again.',
    );
    return none;
  }
}
