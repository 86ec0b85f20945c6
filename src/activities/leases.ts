/**
 * Grants are leases on one assignment (a person, an account, a permission set). When one lease ends, access
 * continues if the same person holds a later one: this answers "is there one?" from Temporal's own visibility (the
 * search attributes every grant workflow keeps up to date), so the revoke at an expiry never waits on MongoDB.
 */
import type { Client } from '@temporalio/client';
import { GRANT_WORKFLOW_ID_PREFIX, targetKey, type Target } from '../domain/grant';
import { searchAttributes } from '../workflows/definitions';
import { grantQuery } from '../workflows/visibility';

export interface LeaseQuestion {
  requestId: string;
  /** The requester's email: Keycard resolves the Identity Center user from it, so one email is one principal. */
  email: string;
  principalId: string;
  target: Target;
  expiresAt: string;
}

export interface LaterLease {
  workflowId: string;
  expiresAt: string;
}

export type LeaseFinder = (lease: LeaseQuestion) => Promise<LaterLease | undefined>;

/**
 * The running grant of the same person on the same target that is active and ends later than this one (ties broken
 * by request id, so of two leases ending together exactly one revokes), from Temporal visibility.
 */
export function laterLeaseFrom(client: Client): LeaseFinder {
  return async (lease) => {
    const mine = Date.parse(lease.expiresAt);
    const query = grantQuery({
      grantsOnly: true,
      running: true,
      state: 'active',
      requester: lease.email,
      target: targetKey(lease.target),
    });
    let later: LaterLease | undefined;
    for await (const execution of client.workflow.list({ query })) {
      const requestId = execution.workflowId.slice(GRANT_WORKFLOW_ID_PREFIX.length);
      if (requestId === lease.requestId) continue;
      const expiresAt = execution.typedSearchAttributes.get(searchAttributes.expiresAt);
      if (!expiresAt) continue;
      const ends = expiresAt.getTime();
      if (ends < mine || (ends === mine && requestId <= lease.requestId)) continue;
      if (!later || ends > Date.parse(later.expiresAt))
        later = { workflowId: execution.workflowId, expiresAt: expiresAt.toISOString() };
    }
    return later;
  };
}
