/**
 * The activities a grant calls, each proxied with the timeouts and retry policy that fit it. Proxies schedule
 * nothing until called; only identityCenterActivities() asks `patched`, so it is called at one fixed point of the story.
 */
import { patched, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { GRANT_PERMANENT, IDENTITY_CENTER_PERMANENT, SLACK_PERMANENT } from '../../domain/errors';
import { identityCenterTaskQueue } from '../definitions';
import { REVOKE_ATTEMPTS_PER_ROUND, revokeAttempts, revokeRetryIntervalMs } from './revokePace';

const PRINCIPAL_LOOKUP = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '30s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...GRANT_PERMANENT],
  },
} satisfies ActivityOptions;

/** A grant that cannot be confirmed within 15 minutes is reported as failed (and cleaned up) rather than left hanging. */
const ASSIGNMENT = {
  startToCloseTimeout: '5m',
  scheduleToCloseTimeout: '15m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: [...GRANT_PERMANENT] },
} satisfies ActivityOptions;

/** v1's revoke round: a few quick attempts. */
const REMOVAL = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '10s',
    maximumAttempts: REVOKE_ATTEMPTS_PER_ROUND,
    // A refusal ends the round at once: an operator hears about it now, and the next round tries again.
    nonRetryableErrorTypes: [...IDENTITY_CENTER_PERMANENT],
  },
} satisfies ActivityOptions;

/** Where Identity Center activities run: their own rate-limited queue, or (older runs) the worker's. */
export type IdentityCenterQueue = { taskQueue?: string };

/**
 * The Identity Center activities, on their own rate-limited task queue. Grants started before that queue existed
 * keep the worker's own queue (`patched`), so their histories replay unchanged.
 */
export function identityCenterActivities() {
  const own: IdentityCenterQueue = patched('identity-center-queue')
    ? { taskQueue: identityCenterTaskQueue(workflowInfo().taskQueue) }
    : {};
  return {
    own,
    principalForEmail: proxyActivities<Activities>({ ...PRINCIPAL_LOOKUP, ...own }).principalForEmail,
    assign: proxyActivities<Activities>({ ...ASSIGNMENT, ...own }).assign,
    unassign: proxyActivities<Activities>({ ...REMOVAL, ...own }).unassign,
  };
}

/** v2's unassign for one revoke round: retried, whatever the error, for as many attempts as the round's window holds. */
export function removalInRound(round: number, own: IdentityCenterQueue) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '5m',
    heartbeatTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: revokeRetryIntervalMs(round),
      maximumAttempts: revokeAttempts(round),
    },
    ...own,
  }).unassign;
}

/** Slack calls retry on their own for half an hour; nothing waits on them but the workflow's own completion. */
export const slack = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: [...SLACK_PERMANENT] },
});

/** Records and alerts retry until they land: the audit trail loses nothing while MongoDB is away. */
export const { recordEvent, raiseAlert, laterLease } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

/** v3: is this input from Keycard's front door? Only the verdict comes back; the key stays in the worker. */
export const { verifyProof } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

/**
 * v2's lease check asks Temporal's visibility, briefly: if it cannot answer within about half a minute, access ends
 * on time anyway (the safe answer) and an operator is told that a later lease of the same person may need a new grant.
 */
export const { laterLeaseOf, laterLeasesOf } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '5s', maximumAttempts: 3 },
});

/**
 * v4: is the person who clicked an approver now? Asked while the click waits for its answer, so briefly: if Slack
 * cannot say within about 20 seconds, the decision is refused (nothing changes) and the approver clicks again.
 */
export const { approverRule } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '20s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '5s',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [...SLACK_PERMANENT],
  },
});
