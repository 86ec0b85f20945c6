/**
 * One production-access grant, from the approved request to the confirmed revocation. The story:
 * resolve the requester → assign → record → wait until the expiry, a `revoke` signal or a cancellation → unassign →
 * record. Whatever ends the wait, the revoke runs, and it retries until Identity Center confirms it.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { formatDuration, parseDuration } from '../domain/duration';
import {
  DEFAULT_GRANT_DURATION,
  KEYCARD_ACTOR,
  targetKey,
  type AccessRequest,
  type GrantEventType,
  type GrantStatus,
  type Revocation,
} from '../domain/grant';
import { formatUtc } from '../domain/time';
import { revokeSignal, searchAttributes, statusQuery } from './definitions';

/** Failures that mean "retrying will not help": a person has to change something first. */
const PERMANENT_FAILURES = ['AccessDeniedError', 'ValidationError', 'PrincipalNotFoundError', 'AssignmentFailedError'];

const { principalForEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '30s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
});

/** A grant that cannot be confirmed within 15 minutes is reported as failed (and cleaned up) rather than left hanging. */
const { assign } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  scheduleToCloseTimeout: '15m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: PERMANENT_FAILURES },
});

/** One revoke round: a few quick attempts; the workflow alerts between rounds and never stops trying. */
export const REVOKE_ATTEMPTS_PER_ROUND = 5;
export const REVOKE_ROUND_PAUSE = '30s';
const { unassign } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '10s',
    maximumAttempts: REVOKE_ATTEMPTS_PER_ROUND,
    // A refusal ends the round at once: an operator hears about it now, and the next round tries again.
    nonRetryableErrorTypes: ['AccessDeniedError', 'ValidationError'],
  },
});

/** Records and alerts retry until they land: the audit trail loses nothing while MongoDB is away. */
const { recordEvent, raiseAlert } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

export async function prodAccess(request: AccessRequest): Promise<GrantStatus> {
  const duration = request.duration ?? DEFAULT_GRANT_DURATION;
  const durationMs = parseDuration(duration);
  let revocation: Revocation | undefined;
  let status: GrantStatus = {
    requestId: request.requestId,
    state: 'pending',
    requester: request.requester,
    target: request.target,
    reason: request.reason,
    duration: formatDuration(durationMs),
    approvedBy: request.approvedBy,
    history: [],
  };

  setHandler(statusQuery, () => status);
  setHandler(revokeSignal, (input) => {
    // Ending access is always safe, so a malformed signal still revokes; the audit shows what was missing.
    revocation ??= {
      by: nonEmpty(input?.by) ?? 'unknown (revoke signal without "by")',
      reason: nonEmpty(input?.reason) ?? 'no reason given',
    };
  });

  /** Every state change goes through here: status, search attributes, Web UI details and the audit trail. */
  async function transition(
    type: GrantEventType,
    change: Partial<GrantStatus>,
    actor: string,
    reason?: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const at = new Date().toISOString();
    status = { ...status, ...change, history: [...status.history, { at, type, actor, reason }] };
    publish(status);
    await recordEvent({
      eventId: `${request.requestId}:${status.history.length}:${type}`,
      type,
      at,
      actor,
      reason,
      details,
      grant: status,
      workflowId: workflowInfo().workflowId,
    });
  }

  await transition('requested', {}, request.requester.email, request.reason, {
    duration: status.duration,
    approvedBy: request.approvedBy,
  });

  let principalId: string;
  try {
    principalId = await principalForEmail(request.requester.email);
  } catch (error) {
    const failureReason = describeFailure(error);
    await transition('grant_failed', { state: 'failed', failureReason }, KEYCARD_ACTOR, failureReason);
    return status;
  }
  status = { ...status, principalId };

  try {
    try {
      const assignment = await assign({ target: request.target, principalId });
      const grantedAt = Date.now();
      const expiresAt = new Date(grantedAt + durationMs).toISOString();
      await transition(
        'granted',
        { state: 'active', grantedAt: new Date(grantedAt).toISOString(), expiresAt },
        KEYCARD_ACTOR,
        request.reason,
        { creationRequestId: assignment.requestId, expiresAt },
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Not confirmed: whatever Identity Center half-did is removed before the failure is reported.
      const failureReason = describeFailure(error);
      await revoke({ by: KEYCARD_ACTOR, reason: `grant failed: ${failureReason}` }, principalId, 'failed');
      return status;
    }

    const expiresAt = Date.parse(status.expiresAt as string);
    await condition(() => revocation !== undefined, Math.max(1, expiresAt - Date.now()));
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() =>
      revoke({ by: 'temporal', reason: 'workflow cancelled' }, principalId, 'revoked'),
    );
    throw error;
  }

  await revoke(revocation ?? { by: KEYCARD_ACTOR, reason: 'expired' }, principalId, 'revoked');
  return status;

  async function revoke(by: Revocation, principal: string, endState: 'revoked' | 'failed'): Promise<void> {
    setCurrentDetails(`Revoking: ${by.reason} (by ${by.by})`);
    for (let round = 1; ; round++) {
      try {
        const removal = await unassign({ target: request.target, principalId: principal });
        const revokedAt = new Date().toISOString();
        if (endState === 'failed') {
          await transition('grant_failed', { state: 'failed', failureReason: by.reason }, by.by, by.reason, {
            cleanup: removal,
          });
        } else {
          await transition(
            'revoked',
            { state: 'revoked', revokedAt, revokedBy: by.by, revokeReason: by.reason },
            by.by,
            by.reason,
            {
              deletionRequestId: removal.requestId,
              alreadyGone: removal.alreadyGone,
            },
          );
        }
        return;
      } catch (error) {
        const problem = describeFailure(error);
        const message =
          `Revoke of ${workflowInfo().workflowId} is failing (round ${round}): ${problem.replace(/\.?$/, '.')}` +
          ` Access is still granted; Keycard keeps retrying every ${REVOKE_ROUND_PAUSE}. Check Identity Center now.`;
        await raiseAlert({ requestId: request.requestId, workflowId: workflowInfo().workflowId, message });
        await transition('revoke_failing', {}, KEYCARD_ACTOR, problem, { round });
        await sleep(REVOKE_ROUND_PAUSE);
      }
    }
  }
}

/** Search attributes and Web UI details, from the status in one place. */
function publish(status: GrantStatus): void {
  upsertSearchAttributes([
    { key: searchAttributes.state, value: status.state },
    { key: searchAttributes.requester, value: status.requester.email },
    { key: searchAttributes.target, value: targetKey(status.target) },
    ...(status.approvedBy ? [{ key: searchAttributes.approver, value: status.approvedBy }] : []),
    ...(status.expiresAt ? [{ key: searchAttributes.expiresAt, value: new Date(status.expiresAt) }] : []),
  ]);
  setCurrentDetails(currentDetails(status));
}

function currentDetails(status: GrantStatus): string {
  switch (status.state) {
    case 'pending':
      return 'Granting access';
    case 'active':
      return `Active until ${formatUtc(status.expiresAt as string, new Date(status.expiresAt as string))}`;
    case 'revoked':
      return `Revoked by ${status.revokedBy} at ${formatUtc(status.revokedAt as string, new Date(status.revokedAt as string))}: ${status.revokeReason}`;
    case 'failed':
      return `Failed: ${status.failureReason}`;
    default:
      return status.state;
  }
}

function describeFailure(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return cause.type ? `${cause.type}: ${cause.message}` : cause.message;
  return cause instanceof Error ? cause.message : String(cause);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
