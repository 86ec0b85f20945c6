/**
 * v4: a grant of a catalog target assigns its permission set in every account, one after the other, and is active
 * only when Identity Center confirmed each. When one fails, the grant fails naming the account, and what was made
 * (with whatever the failing account half-did) is removed; an assignment that already existed before this grant
 * (another lease of the person holds it) is left to that lease.
 */
import { isCancellation } from '@temporalio/workflow';
import {
  KEYCARD_ACTOR,
  publishedTargetKey,
  type AccessRequest,
  type Revocation,
  type Target,
} from '../../domain/grant';
import type { identityCenterActivities } from './activities';
import { describeFailure } from './failures';
import { accountName } from './revoke';
import type { Grant } from './state';

export type Assigned =
  { ok: true; creations: (string | undefined)[] } | { ok: false; failed: Revocation; toRemove: Target[] };

export async function assignEach(
  grant: Grant,
  identityCenter: ReturnType<typeof identityCenterActivities>,
  principalId: string,
): Promise<Assigned> {
  const creations: (string | undefined)[] = [];
  const made: Target[] = [];
  for (const target of grant.targets) {
    try {
      const assignment = await identityCenter.assign({ target, principalId });
      creations.push(assignment.requestId);
      if (!assignment.alreadyAssigned) made.push(target);
    } catch (error) {
      if (isCancellation(error)) throw error;
      const where = grant.targets.length > 1 ? ` in ${accountName(grant, target)}` : '';
      const rolledBack =
        made.length > 0 ? `; Keycard removed it from ${made.map((each) => accountName(grant, each)).join(', ')}` : '';
      return {
        ok: false,
        failed: { by: KEYCARD_ACTOR, reason: `grant failed${where}: ${describeFailure(error)}${rolledBack}` },
        toRemove: [...made, target],
      };
    }
  }
  return { ok: true, creations };
}

/** What the `requested` event records of a catalog request: the target key, every account, the rule that let them ask. */
export function catalogDetails(request: AccessRequest): Record<string, unknown> {
  const catalogTarget = request.catalogTarget;
  return {
    targetKey: publishedTargetKey(request),
    ...(catalogTarget
      ? { accounts: catalogTarget.accounts.map((account) => account.id), requesterRule: catalogTarget.requesterRule }
      : {}),
  };
}
