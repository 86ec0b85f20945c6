/**
 * One production-access grant, from the request to the confirmed revocation. The story:
 * (Slack requests) ask the approvers and wait for `approve`, `deny` or the request timeout → resolve the requester →
 * assign → record → wait until the expiry, a `revoke` signal or a cancellation → unassign → record.
 * Whatever ends the wait, the revoke runs, and it retries until Identity Center confirms it.
 * Slack messages go out beside the story, never in its way: a Slack outage delays a message, never a grant or revoke.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  type ActivityOptions,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  log,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MessageRef } from '../activities/slack';
import { formatDuration, parseDuration } from '../domain/duration';
import {
  DEFAULT_EXPIRY_WARNING,
  DEFAULT_GRANT_DURATION,
  DEFAULT_MAX_TOTAL_DURATION,
  KEYCARD_ACTOR,
  targetKey,
  type AccessRequest,
  type Decision,
  type DecisionResult,
  type Extension,
  type ExtensionResult,
  type GrantEventType,
  type NoticeType,
  type GrantStatus,
  type Revocation,
} from '../domain/grant';
import { formatUtc } from '../domain/time';
import {
  approveUpdate,
  denyUpdate,
  extendUpdate,
  identityCenterTaskQueue,
  revokeSignal,
  searchAttributes,
  statusQuery,
} from './definitions';

/** Failures that mean "retrying will not help": a person has to change something first. */
const PERMANENT_FAILURES = ['AccessDeniedError', 'ValidationError', 'PrincipalNotFoundError', 'AssignmentFailedError'];

const PRINCIPAL_LOOKUP = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '30s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
} satisfies ActivityOptions;

/** A grant that cannot be confirmed within 15 minutes is reported as failed (and cleaned up) rather than left hanging. */
const ASSIGNMENT = {
  startToCloseTimeout: '5m',
  scheduleToCloseTimeout: '15m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: PERMANENT_FAILURES },
} satisfies ActivityOptions;

/** One revoke round: a few quick attempts; the workflow alerts between rounds and never stops trying. */
export const REVOKE_ATTEMPTS_PER_ROUND = 5;
export const REVOKE_ROUND_PAUSE = '30s';
const REMOVAL = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumInterval: '10s',
    maximumAttempts: REVOKE_ATTEMPTS_PER_ROUND,
    // A refusal ends the round at once: an operator hears about it now, and the next round tries again.
    nonRetryableErrorTypes: ['AccessDeniedError', 'ValidationError'],
  },
} satisfies ActivityOptions;

/**
 * The Identity Center activities, on their own rate-limited task queue. Grants started before that queue existed
 * keep the worker's own queue (`patched`), so their histories replay unchanged.
 */
function identityCenterActivities() {
  const own = patched('identity-center-queue') ? { taskQueue: identityCenterTaskQueue(workflowInfo().taskQueue) } : {};
  return {
    principalForEmail: proxyActivities<Activities>({ ...PRINCIPAL_LOOKUP, ...own }).principalForEmail,
    assign: proxyActivities<Activities>({ ...ASSIGNMENT, ...own }).assign,
    unassign: proxyActivities<Activities>({ ...REMOVAL, ...own }).unassign,
  };
}

/** Slack calls retry on their own for half an hour; nothing waits on them but the workflow's own completion. */
const slack = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['SlackPermanentError'] },
});

/** Events the requester hears about in a direct message. */
const REQUESTER_EVENTS: GrantEventType[] = [
  'approved',
  'denied',
  'expired',
  'granted',
  'grant_failed',
  'extended',
  'extension_denied',
  'revoked',
];

/** Records and alerts retry until they land: the audit trail loses nothing while MongoDB is away. */
const { recordEvent, raiseAlert, laterLease } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

export async function prodAccess(request: AccessRequest): Promise<GrantStatus> {
  const { principalForEmail, assign, unassign } = identityCenterActivities();
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
    // Known up front for Slack requests: recorded with the request, so the reconciler never mistakes it for drift.
    principalId: request.principalId,
    maxTotalDuration: formatDuration(parseDuration(request.limits?.maxTotalDuration ?? DEFAULT_MAX_TOTAL_DURATION)),
    history: [],
  };
  const maxTotalMs = parseDuration(status.maxTotalDuration as string);
  const warningMs = parseDuration(request.limits?.expiryWarning ?? DEFAULT_EXPIRY_WARNING);

  let decision: (Decision & { outcome: 'approved' | 'denied' }) | undefined;
  let approvers: Set<string> | undefined;
  const notices: Promise<unknown>[] = [];
  let approvalMessageRef: Promise<MessageRef | undefined> = Promise.resolve(undefined);
  let approvalMessageUpdates: Promise<void> = Promise.resolve();
  let extensionMessageRef: Promise<MessageRef | undefined> = Promise.resolve(undefined);

  setHandler(statusQuery, () => status);
  if (request.slack) {
    const decide =
      (outcome: 'approved' | 'denied') =>
      async (input: Decision): Promise<DecisionResult> => {
        if (status.pendingExtension) return decideExtension(outcome, input);
        decision = { by: input.by, reason: input.reason?.trim(), outcome };
        return { state: outcome === 'approved' ? 'active' : 'denied', by: input.by };
      };
    setHandler(approveUpdate, decide('approved'), { validator: (input) => validateDecision(input, 'approve') });
    setHandler(denyUpdate, decide('denied'), { validator: (input) => validateDecision(input, 'deny') });
  }
  setHandler(extendUpdate, extend, { validator: validateExtension });

  function refuse(type: string, message: string): never {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  }

  function isRequester(by: string): boolean {
    return by === request.requester.slackUserId || by === request.requester.email;
  }

  /**
   * Who may move an expiry: the requester only asks; a Slack user must be an approver; anyone else reached the
   * workflow through Temporal itself (the CLI), which only operators can.
   */
  function validateExtension(input: Extension): void {
    if (typeof input?.by !== 'string' || input.by.trim() === '')
      refuse('InvalidExtensionError', 'An extension needs "by".');
    if (status.state !== 'active')
      refuse('NotActiveError', `Only active access can be extended; this grant is ${status.state}.`);
    let ms = 0;
    try {
      ms = parseDuration(String(input.duration));
    } catch {
      refuse('InvalidExtensionError', `"${input.duration}" is not a duration: write it like 30m or 1h.`);
    }
    if (!nonEmpty(input.reason)) refuse('ReasonRequiredError', 'Say why the access must last longer.');
    const total = Date.parse(status.expiresAt as string) + ms - Date.parse(status.grantedAt as string);
    if (total > maxTotalMs) {
      refuse(
        'MaxDurationExceededError',
        `That would make this grant last ${formatDuration(total)}; the most is ${status.maxTotalDuration}. Ask for a new grant instead.`,
      );
    }
    if (isRequester(input.by)) {
      if (!request.slack) refuse('NotAnApproverError', 'You cannot extend your own access.');
      if (status.pendingExtension)
        refuse('AlreadyRequestedError', 'You already asked for an extension; it is waiting for an approver.');
    } else if (/^[UW][A-Z0-9]{2,}$/.test(input.by) && !approvers?.has(input.by)) {
      refuse('NotAnApproverError', 'Only Keycard approvers can extend production access.');
    }
  }

  async function extend(input: Extension): Promise<ExtensionResult> {
    const pending = {
      by: input.by,
      duration: formatDuration(parseDuration(input.duration)),
      reason: input.reason.trim(),
    };
    if (isRequester(input.by)) {
      await transition(
        'extension_requested',
        { pendingExtension: { ...pending, requestedAt: new Date().toISOString() } },
        input.by,
        pending.reason,
        { duration: pending.duration },
      );
      return { outcome: 'requested', expiresAt: status.expiresAt as string };
    }
    return applyExtension(pending.by, pending.duration, pending.reason);
  }

  async function applyExtension(by: string, duration: string, reason: string): Promise<ExtensionResult> {
    const previous = status.expiresAt as string;
    const expiresAt = new Date(Date.parse(previous) + parseDuration(duration)).toISOString();
    // The new expiry is in place before anything is awaited: the timer moves, and a second extension sees it.
    await transition('extended', { expiresAt, pendingExtension: undefined }, by, reason, {
      duration,
      previousExpiresAt: previous,
      expiresAt,
    });
    return { outcome: 'extended', expiresAt };
  }

  async function decideExtension(outcome: 'approved' | 'denied', input: Decision): Promise<DecisionResult> {
    const pending = status.pendingExtension as Extension;
    if (outcome === 'approved') {
      await applyExtension(input.by, pending.duration, pending.reason);
    } else {
      await transition('extension_denied', { pendingExtension: undefined }, input.by, input.reason?.trim(), {
        duration: pending.duration,
      });
    }
    return { state: 'active', by: input.by };
  }

  /** Server-side authorization of every click: runs before an update is accepted into history. */
  function validateDecision(input: Decision, action: 'approve' | 'deny'): void {
    if (typeof input?.by !== 'string' || input.by === '') refuse('InvalidDecisionError', 'A decision needs "by".');
    const extensionPending = status.state === 'active' && status.pendingExtension !== undefined;
    if (!extensionPending && (decision || status.state !== 'pending')) {
      refuse('AlreadyDecidedError', `This request is no longer pending: ${decidedAs()}.`);
    }
    if (!approvers) refuse('NotReadyError', 'Keycard is still preparing this request; try again in a few seconds.');
    if (input.by === request.requester.slackUserId) refuse('SelfApprovalError', 'You cannot decide your own request.');
    if (!approvers?.has(input.by)) {
      refuse('NotAnApproverError', `Only Keycard approvers can ${action} production access requests.`);
    }
    if (action === 'deny' && !nonEmpty(input.reason)) refuse('ReasonRequiredError', 'Say why you deny the request.');
    if (extensionPending) {
      const total =
        Date.parse(status.expiresAt as string) +
        parseDuration(status.pendingExtension?.duration as string) -
        Date.parse(status.grantedAt as string);
      if (action === 'approve' && total > maxTotalMs) {
        refuse(
          'MaxDurationExceededError',
          `Approving would make this grant last longer than ${status.maxTotalDuration}.`,
        );
      }
    }
  }

  function decidedAs(): string {
    if (decision) return `${decision.outcome} by ${decision.by}`;
    return status.state;
  }
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
    announce(type, status);
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

  /** Slack side effects of a transition, in the background: the approval message and the requester's DM. */
  function announce(type: GrantEventType, snapshot: GrantStatus): void {
    if (!request.slack) return;
    const workflowId = workflowInfo().workflowId;
    const channel = request.slack.approverChannel;
    if (type === 'extension_requested') {
      extensionMessageRef = slack.postExtensionRequest({ channel, status: snapshot, workflowId }).catch((error) => {
        logNoticeFailure(error);
        return undefined;
      });
      notices.push(extensionMessageRef);
    }
    if (type === 'extended' || type === 'extension_denied') {
      const decided = extensionMessageRef;
      extensionMessageRef = Promise.resolve(undefined);
      notices.push(
        decided.then(async (ref) => {
          if (ref) await slack.updateExtensionRequest({ ref, status: snapshot, event: type }).catch(logNoticeFailure);
        }),
      );
    }
    if (type !== 'requested') {
      // One update at a time, in order: the message always ends showing the latest state.
      approvalMessageUpdates = approvalMessageUpdates.then(async () => {
        const ref = await approvalMessageRef;
        if (ref) await slack.updateApprovalMessage({ ref, status: snapshot, workflowId }).catch(logNoticeFailure);
      });
    }
    if (REQUESTER_EVENTS.includes(type)) notify(type, snapshot);
  }

  function notify(event: NoticeType, snapshot: GrantStatus): void {
    const workflowId = workflowInfo().workflowId;
    notices.push(slack.notifyRequester({ status: snapshot, event, workflowId }).catch(logNoticeFailure));
  }

  /** Lets the last Slack messages go out before the workflow ends. */
  async function finish(): Promise<GrantStatus> {
    await CancellationScope.nonCancellable(async () => {
      await Promise.all(notices);
      await approvalMessageUpdates;
    });
    return status;
  }

  await transition('requested', {}, request.requester.email, request.reason, {
    duration: status.duration,
    approvedBy: request.approvedBy,
  });

  if (request.slack) {
    const routing = request.slack;
    try {
      approvers = new Set(await slack.expandApprovers(routing.approvers));
      status = { ...status, approvers: [...approvers] };
    } catch (error) {
      const failureReason = `could not read the approvers from Slack: ${describeFailure(error)}`;
      await transition('grant_failed', { state: 'failed', failureReason }, KEYCARD_ACTOR, failureReason);
      return finish();
    }
    const workflowId = workflowInfo().workflowId;
    approvalMessageRef = slack
      .postApprovalMessage({ channel: routing.approverChannel, status, workflowId })
      .catch((error) => {
        logNoticeFailure(error);
        return undefined;
      });
    notices.push(approvalMessageRef);

    let decided: boolean;
    try {
      decided = await condition(() => decision !== undefined, parseDuration(routing.requestTimeout));
    } catch (error) {
      if (!isCancellation(error)) throw error;
      await CancellationScope.nonCancellable(async () => {
        await transition(
          'denied',
          { state: 'denied', deniedBy: 'temporal', denyReason: 'workflow cancelled' },
          'temporal',
          'workflow cancelled',
        );
        await finish();
      });
      throw error;
    }
    if (!decided || !decision) {
      await transition('expired', { state: 'expired' }, KEYCARD_ACTOR, `no decision within ${routing.requestTimeout}`);
      return finish();
    }
    if (decision.outcome === 'denied') {
      await transition(
        'denied',
        { state: 'denied', deniedBy: decision.by, denyReason: decision.reason },
        decision.by,
        decision.reason,
      );
      return finish();
    }
    await transition('approved', { approvedBy: decision.by }, decision.by);
  }

  let principalId: string;
  try {
    principalId = request.principalId ?? (await principalForEmail(request.requester.email));
  } catch (error) {
    const failureReason = describeFailure(error);
    await transition('grant_failed', { state: 'failed', failureReason }, KEYCARD_ACTOR, failureReason);
    return finish();
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
      return finish();
    }

    await waitForTheEnd();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => {
      await revoke({ by: 'temporal', reason: 'workflow cancelled' }, principalId, 'revoked');
      await finish();
    });
    throw error;
  }

  if (!revocation && patched('lease-handover')) {
    // Grants are leases: if this person holds a later lease on the same target, access continues under it.
    const later = await laterLease({
      requestId: request.requestId,
      principalId,
      target: request.target,
      expiresAt: status.expiresAt as string,
    });
    if (later) {
      const reason = `expired; access continues under ${later.workflowId} until ${later.expiresAt}`;
      await transition(
        'revoked',
        { state: 'revoked', revokedAt: new Date().toISOString(), revokedBy: KEYCARD_ACTOR, revokeReason: reason },
        KEYCARD_ACTOR,
        reason,
        { handedOverTo: later.workflowId },
      );
      return finish();
    }
  }
  await revoke(revocation ?? { by: KEYCARD_ACTOR, reason: 'expired' }, principalId, 'revoked');
  return finish();

  /**
   * Durable wait until the expiry, which extensions may move, or a revoke. Slack grants get one warning before the
   * end; when the expiry moves the timer is set again, without restarting anything.
   */
  async function waitForTheEnd(): Promise<void> {
    let warnedFor: string | undefined;
    for (;;) {
      const watched = status.expiresAt as string;
      const expiresAt = Date.parse(watched);
      const now = Date.now();
      if (revocation || now >= expiresAt) return;
      // Only Slack grants are warned (there is nobody to tell otherwise); a warning is due once per expiry.
      const warnAt = expiresAt - warningMs;
      const warningDue = request.slack !== undefined && warnedFor !== watched;
      const wakeAt = warningDue && warnAt > now ? warnAt : expiresAt;
      await condition(() => revocation !== undefined || status.expiresAt !== watched, Math.max(1, wakeAt - now));
      if (!revocation && status.expiresAt === watched && warningDue && Date.now() >= warnAt) {
        warnedFor = watched;
        if (Date.now() < expiresAt) notify('expiry_warning', status);
      }
    }
  }

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
        await raiseAlert({
          requestId: request.requestId,
          workflowId: workflowInfo().workflowId,
          message,
          channel: request.slack?.approverChannel,
        });
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
      return status.approvedBy || !status.approvers ? 'Granting access' : 'Waiting for an approver';
    case 'denied':
      return `Denied by ${status.deniedBy}: ${status.denyReason}`;
    case 'expired':
      return 'Expired unanswered';
    case 'active':
      return `Active until ${formatUtc(status.expiresAt as string)}, granted by ${status.approvedBy ?? 'keycard'}`;
    case 'revoked':
      return `Revoked by ${status.revokedBy} at ${formatUtc(status.revokedAt as string)}: ${status.revokeReason}`;
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

function logNoticeFailure(error: unknown): void {
  log.warn('a Slack message could not be delivered', { error: describeFailure(error) });
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
