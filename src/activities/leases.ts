/**
 * Grants are leases on assignments (a person, an account, a permission set). When one lease ends, access to a pair
 * continues if the same person holds a later lease covering it: this answers "is there one?" from Temporal itself
 * (the search attributes every grant keeps up to date, then the candidate's own `status`), so the revoke at an expiry
 * never waits on MongoDB. A grant of a catalog target covers several pairs; one of an older version covers one.
 */
import type { Client } from '@temporalio/client';
import { GRANT_WORKFLOW_ID_PREFIX, grantedTargets, targetKey, type GrantStatus, type Target } from '../domain/grant';
import { searchAttributes, statusQuery } from '../workflows/definitions';
import { grantQuery } from '../workflows/visibility';

export interface LeaseQuestion {
  requestId: string;
  /** The requester's email: Keycard resolves the Identity Center user from it, so one email is one principal. */
  email: string;
  principalId: string;
  target: Target;
  expiresAt: string;
}

/** The same question for every pair a grant covers (v4 runs). */
export interface LeasesQuestion extends Omit<LeaseQuestion, 'target'> {
  targets: Target[];
}

export interface LaterLease {
  workflowId: string;
  expiresAt: string;
}

export type LeaseFinder = (lease: LeaseQuestion) => Promise<LaterLease | undefined>;
/** For each target asked about, in order: the later lease covering it, or undefined. */
export type LeasesFinder = (question: LeasesQuestion) => Promise<(LaterLease | undefined)[]>;

/** How long one candidate's `status` may take to answer; one that does not is no lease (access ends on time). */
const STATUS_TIMEOUT_MS = 5_000;

/**
 * For each pair: the running grant of the same person that is active, covers the pair and ends later than this one
 * (ties broken by request id, so of two leases ending together exactly one removes the assignment). Candidates are
 * found by requester in visibility, whatever target key they publish (a catalog key, or an older grant's
 * `<account>/<permission set>`), then each one's own status says what it covers: a search attribute anyone could set
 * at a start is never enough to keep access.
 */
export function laterLeasesFrom(client: Client): LeasesFinder {
  return async (question) => {
    const mine = Date.parse(question.expiresAt);
    const later: (LaterLease | undefined)[] = question.targets.map(() => undefined);
    const query = grantQuery({ grantsOnly: true, running: true, state: 'active', requester: question.email });
    for await (const execution of client.workflow.list({ query })) {
      const requestId = execution.workflowId.slice(GRANT_WORKFLOW_ID_PREFIX.length);
      if (requestId === question.requestId) continue;
      const listed = execution.typedSearchAttributes.get(searchAttributes.expiresAt);
      if (!listed || !endsLater(listed.getTime(), requestId, mine, question.requestId)) continue;
      const status = await statusOf(client, execution.workflowId);
      if (!status || status.state !== 'active' || status.requester.email !== question.email) continue;
      if (status.principalId !== undefined && status.principalId !== question.principalId) continue;
      const ends = Date.parse(status.expiresAt);
      if (!endsLater(ends, requestId, mine, question.requestId)) continue;
      const covered = new Set(grantedTargets(status).map(targetKey));
      question.targets.forEach((target, index) => {
        const current = later[index];
        if (covered.has(targetKey(target)) && (!current || ends > Date.parse(current.expiresAt)))
          later[index] = { workflowId: execution.workflowId, expiresAt: status.expiresAt };
      });
    }
    return later;
  };
}

/** The one-pair question older runs ask, answered the same way. */
export function laterLeaseFrom(client: Client): LeaseFinder {
  const perTarget = laterLeasesFrom(client);
  return async ({ target, ...question }) => (await perTarget({ ...question, targets: [target] }))[0];
}

function endsLater(ends: number, requestId: string, mine: number, myRequestId: string): boolean {
  return ends > mine || (ends === mine && requestId > myRequestId);
}

async function statusOf(client: Client, workflowId: string): Promise<GrantStatus | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), STATUS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([client.workflow.getHandle(workflowId).query(statusQuery), timeout]);
  } catch {
    // Ended or unreadable since it was listed: it carries no access on.
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
