/**
 * One production-access grant, from the request to the confirmed revocation. The story:
 * (Slack requests) ask the approvers and wait for `approve`, `deny` or the request timeout → resolve the requester →
 * assign → record → wait until the expiry, a `revoke` signal or a cancellation → unassign → record.
 * Whatever ends the wait, the revoke runs, and it retries until Identity Center confirms it.
 * Slack messages go out beside the story, never in its way: a Slack outage delays a message, never a grant or revoke.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  type ActivityOptions,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  log,
  setCurrentDetails,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MessageRef } from '../activities/slack';
import { formatDuration, parseDuration, parseRequestedDuration } from '../domain/duration';
import { checkDecision, checkExtension, readRevocation, requestProblems } from '../domain/inputs';
import {
  DEFAULT_EXPIRY_WARNING,
  DEFAULT_GRANT_DURATION,
  DEFAULT_MAX_TOTAL_DURATION,
  GRANT_WORKFLOW_ID_PREFIX,
  KEYCARD_ACTOR,
  targetKey,
  MAX_HISTORY_ENTRIES,
  type AccessRequest,
  type Decision,
  type DecisionResult,
  type Extension,
  type ExtensionResult,
  type GrantEventType,
  type NoticeType,
  type GrantHistoryEntry,
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

/**
 * The version of the story a run follows, fixed when it starts (`patched`): a grant started by an older worker keeps
 * its older story for its whole life, so its history replays.
 * v2, `revoke-needs-only-identity-center`: records and alerts go beside the story instead of in front of it, the lease
 * check asks Temporal instead of MongoDB, a failing revoke backs off its alerts (not its retries) and continues as new
 * before its history grows large, and every input is checked before it is acted on.
 */
export const RELIABLE_REVOKE_PATCH = 'revoke-needs-only-identity-center';

/** v1: one revoke round is a few quick attempts; the workflow alerts between rounds and never stops trying. */
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
 * v2: a revoke round is a window in which the deletion is retried, whatever the error (a refusal may be fixed by an
 * operator at any moment): from 1 s apart, doubling up to 15 s apart in the first quarter hour and up to a minute apart
 * after it. Windows grow 1, 2, 4, 8, then 15 minutes; an alert goes out as each one closes with access still in place.
 * So the assignment goes within a minute of Identity Center recovering, the alerts back off to one per 15 minutes and
 * never stop, and a day of failure costs about a hundred rounds of history. A round ends after as many attempts as
 * its window holds (not on a timeout), so every round closes the same way on every server.
 */
const FIRST_REVOKE_WINDOW_MS = 60_000;
export const MAX_REVOKE_WINDOW_MS = 15 * 60_000;
export function revokeWindowMs(round: number): number {
  return Math.min(FIRST_REVOKE_WINDOW_MS * 2 ** Math.min(round - 1, 10), MAX_REVOKE_WINDOW_MS);
}
/** The longest pause between two attempts of a revoke in this round: 15 s for the first quarter hour, then 1 min. */
export function revokeRetryIntervalMs(round: number): number {
  return round <= 4 ? 15_000 : 60_000;
}
/** Attempts in a round: the fewest whose pauses (1 s, 2 s, 4 s … capped) add up to the round's window. */
export function revokeAttempts(round: number): number {
  const window = revokeWindowMs(round);
  const cap = revokeRetryIntervalMs(round);
  let attempts = 1;
  let waited = 0;
  for (let pause = 1_000; waited < window; pause = Math.min(pause * 2, cap)) {
    waited += pause;
    attempts += 1;
  }
  return attempts;
}
/** A failing revoke continues as new past this many events, far below Temporal's limits (10,240 warns, 51,200 ends). */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 4_000;

function removalInRound(round: number, own: { taskQueue?: string }) {
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

/**
 * The Identity Center activities, on their own rate-limited task queue. Grants started before that queue existed
 * keep the worker's own queue (`patched`), so their histories replay unchanged.
 */
function identityCenterActivities() {
  const own = patched('identity-center-queue') ? { taskQueue: identityCenterTaskQueue(workflowInfo().taskQueue) } : {};
  return {
    own,
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

/**
 * v2's lease check asks Temporal's visibility, briefly: if it cannot answer within about half a minute, access ends
 * on time anyway (the safe answer) and an operator is told that a later lease of the same person may need a new grant.
 */
const { laterLeaseOf } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '5s', maximumAttempts: 3 },
});

export async function prodAccess(input: AccessRequest): Promise<GrantStatus> {
  const v2 = patched(RELIABLE_REVOKE_PATCH);
  const problems = v2 ? requestProblems(input) : [];
  const request = problems.length === 0 ? input : usableShapeOf(input);
  const continued = v2 ? input?.continuedRevoke : undefined;
  const { principalForEmail, assign, unassign, own } = identityCenterActivities();
  const durationMs = problems.length
    ? 1_000
    : v2
      ? parseRequestedDuration(request.duration ?? DEFAULT_GRANT_DURATION)
      : parseDuration(request.duration ?? DEFAULT_GRANT_DURATION);
  let revocation: Revocation | undefined = continued?.revocation;
  let revoking = continued !== undefined;
  let status: GrantStatus = continued?.status ?? {
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
  /** The audit sequence number of the last event (v1: the history's length, which it never cuts). */
  let seq = continued?.seq ?? 0;
  /** v2: the records, one after the other, beside the story; finish() waits for the last to land. */
  let records: Promise<unknown> = Promise.resolve();

  let decision: (Decision & { outcome: 'approved' | 'denied' }) | undefined;
  let approvers: Set<string> | undefined = continued?.status.approvers
    ? new Set(continued.status.approvers)
    : undefined;
  const notices: Promise<unknown>[] = [];
  let approvalMessageRef: Promise<MessageRef | undefined> = Promise.resolve(continued?.approvalMessage);
  /** v2: records, Slack messages and alerts not yet delivered; a run continues as new only when there are none. */
  let besideInFlight = 0;
  function beside<T>(work: Promise<T>): Promise<T> {
    besideInFlight += 1;
    return work.finally(() => {
      besideInFlight -= 1;
    });
  }
  let approvalMessageUpdates: Promise<void> = Promise.resolve();
  let extensionMessageRef: Promise<MessageRef | undefined> = Promise.resolve(undefined);

  setHandler(statusQuery, () => status);
  if (request.slack) {
    const decide =
      (outcome: 'approved' | 'denied') =>
      async (given: Decision): Promise<DecisionResult> => {
        const checked = v2 ? checkDecision(given, outcome === 'approved' ? 'approve' : 'deny') : undefined;
        const input = checked?.ok ? checked.value : given;
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
  function validateExtension(given: Extension): void {
    let input = given;
    let ms = 0;
    if (v2) {
      const checked = checkExtension(given);
      if (!checked.ok) refuse(checked.type, checked.message);
      input = checked.value;
      ms = checked.value.durationMs;
    } else if (typeof input?.by !== 'string' || input.by.trim() === '')
      refuse('InvalidExtensionError', 'An extension needs "by".');
    if (status.state !== 'active')
      refuse('NotActiveError', `Only active access can be extended; this grant is ${status.state}.`);
    if (revoking) refuse('NotActiveError', 'This access is being revoked; it cannot be extended.');
    if (!v2) {
      try {
        ms = parseDuration(String(input.duration));
      } catch {
        refuse('InvalidExtensionError', `"${input.duration}" is not a duration: write it like 30m or 1h.`);
      }
      if (!nonEmpty(input.reason)) refuse('ReasonRequiredError', 'Say why the access must last longer.');
    }
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

  async function extend(given: Extension): Promise<ExtensionResult> {
    const checked = v2 ? checkExtension(given) : undefined;
    const input = checked?.ok ? checked.value : given;
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
  function validateDecision(given: Decision, action: 'approve' | 'deny'): void {
    let input = given;
    if (v2) {
      const checked = checkDecision(given, action);
      if (!checked.ok) refuse(checked.type, checked.message);
      input = checked.value;
    } else if (typeof input?.by !== 'string' || input.by === '')
      refuse('InvalidDecisionError', 'A decision needs "by".');
    const extensionPending = status.state === 'active' && status.pendingExtension !== undefined && !revoking;
    if (!extensionPending && (decision || status.state !== 'pending' || revocation)) {
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
    if (revocation && status.state === 'pending') return `withdrawn by ${revocation.by}`;
    return status.state;
  }
  setHandler(revokeSignal, (input) => {
    // Ending access is always safe, so a malformed signal still revokes; the audit shows what was missing.
    revocation ??= v2
      ? readRevocation(input)
      : {
          by: nonEmpty(input?.by) ?? 'unknown (revoke signal without "by")',
          reason: nonEmpty(input?.reason) ?? 'no reason given',
        };
  });

  /**
   * Every state change goes through here: status, search attributes, Web UI details and the audit trail. v1 waits
   * for the record; v2 queues it beside the story (in order, retried until MongoDB takes it) and goes on at once.
   */
  async function transition(
    type: GrantEventType,
    change: Partial<GrantStatus>,
    actor: string,
    reason?: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const at = new Date().toISOString();
    const entry: GrantHistoryEntry = { at, type, actor, reason };
    status = { ...status, ...change, history: v2 ? bounded([...status.history, entry]) : [...status.history, entry] };
    seq += 1;
    publish(status);
    announce(type, status);
    const event = {
      eventId: `${request.requestId}:${seq}:${type}`,
      seq,
      type,
      at,
      actor,
      reason,
      details,
      grant: forActivities(status),
      workflowId: workflowInfo().workflowId,
    };
    if (!v2) return recordEvent(event);
    records = beside(records.then(() => CancellationScope.nonCancellable(() => recordEvent(event))));
  }

  /** Slack side effects of a transition, in the background: the approval message and the requester's DM. */
  function announce(type: GrantEventType, snapshot: GrantStatus): void {
    if (!request.slack) return;
    const workflowId = workflowInfo().workflowId;
    const channel = request.slack.approverChannel;
    const shown = forActivities(snapshot);
    if (type === 'extension_requested') {
      extensionMessageRef = beside(
        slack.postExtensionRequest({ channel, status: shown, workflowId }).catch((error) => {
          logNoticeFailure(error);
          return undefined;
        }),
      );
      notices.push(extensionMessageRef);
    }
    if (type === 'extended' || type === 'extension_denied') {
      const decided = extensionMessageRef;
      extensionMessageRef = Promise.resolve(undefined);
      notices.push(
        beside(
          decided.then(async (ref) => {
            if (ref) await slack.updateExtensionRequest({ ref, status: shown, event: type }).catch(logNoticeFailure);
          }),
        ),
      );
    }
    if (type !== 'requested') {
      // One update at a time, in order: the message always ends showing the latest state.
      approvalMessageUpdates = beside(
        approvalMessageUpdates.then(async () => {
          const ref = await approvalMessageRef;
          if (ref) await slack.updateApprovalMessage({ ref, status: shown, workflowId }).catch(logNoticeFailure);
        }),
      );
    }
    if (REQUESTER_EVENTS.includes(type)) notify(type, snapshot);
  }

  function notify(event: NoticeType, snapshot: GrantStatus): void {
    const workflowId = workflowInfo().workflowId;
    notices.push(slack.notifyRequester({ status: forActivities(snapshot), event, workflowId }).catch(logNoticeFailure));
  }

  /** v2: an operator must look now. Beside the story: a Slack outage delays the alert, never the next revoke round. */
  function alert(message: string): void {
    const sent = CancellationScope.nonCancellable(() =>
      raiseAlert({
        requestId: request.requestId,
        workflowId: workflowInfo().workflowId,
        message,
        channel: request.slack?.approverChannel,
      }),
    ).catch(logNoticeFailure);
    notices.push(beside(sent));
  }

  /** Lets the last records and Slack messages go out (and any update in hand finish) before the workflow ends. */
  async function finish(): Promise<GrantStatus> {
    await CancellationScope.nonCancellable(async () => {
      await Promise.all(notices);
      await approvalMessageUpdates;
      if (v2) {
        await records;
        await condition(allHandlersFinished);
      }
    });
    return status;
  }

  if (problems.length > 0) {
    const failureReason = `not a usable request: ${problems.join('; ')}`;
    await transition('grant_failed', { state: 'failed', failureReason }, KEYCARD_ACTOR, failureReason);
    return finish();
  }

  if (continued) {
    // A revoke that kept failing continued as a new run: it picks up where it stood.
    setCurrentDetails(`Revoking: ${continued.revocation.reason} (by ${continued.revocation.by})`);
    await revoke(continued.revocation, continued.principalId, continued.endState, continued.round);
    return finish();
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
    approvalMessageRef = beside(
      slack
        .postApprovalMessage({ channel: routing.approverChannel, status: forActivities(status), workflowId })
        .catch((error) => {
          logNoticeFailure(error);
          return undefined;
        }),
    );
    notices.push(approvalMessageRef);

    let decided: boolean;
    try {
      // v2: a revoke while nobody has decided withdraws the request.
      decided = await condition(
        () => decision !== undefined || (v2 && revocation !== undefined),
        v2 ? parseRequestedDuration(routing.requestTimeout) : parseDuration(routing.requestTimeout),
      );
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
    if (v2 && !decision && revocation) {
      await withdraw(revocation);
      return finish();
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
  if (v2 && revocation) {
    // Revoked after the approval, before anything was assigned: nothing to remove.
    await withdraw(revocation);
    return finish();
  }

  try {
    try {
      const assignment = await assign({ target: request.target, principalId });
      const grantedAt = Date.now();
      const expiresAt = new Date(grantedAt + durationMs).toISOString();
      // v2 does not wait for the record: the time box starts when Identity Center confirms, whatever MongoDB does.
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

  if (!revocation && v2) {
    const later = await laterLeaseOf({
      requestId: request.requestId,
      email: request.requester.email,
      principalId,
      target: request.target,
      expiresAt: status.expiresAt as string,
    }).catch((error: unknown) => {
      alert(
        `Keycard could not ask Temporal whether ${request.requester.email} holds a later grant of the same access ` +
          `(${describeFailure(error)}), so ${workflowInfo().workflowId} removes the assignment on time. If a later ` +
          'grant of the same person is active, that person must request again.',
      );
      return undefined;
    });
    if (later) {
      await handOver(later);
      return finish();
    }
  } else if (!revocation && patched('lease-handover')) {
    // Grants are leases: if this person holds a later lease on the same target, access continues under it.
    const later = await laterLease({
      requestId: request.requestId,
      principalId,
      target: request.target,
      expiresAt: status.expiresAt as string,
    });
    if (later) {
      await handOver(later);
      return finish();
    }
  }
  await revoke(revocation ?? { by: KEYCARD_ACTOR, reason: 'expired' }, principalId, 'revoked');
  return finish();

  async function handOver(later: { workflowId: string; expiresAt: string }): Promise<void> {
    const reason = `expired; access continues under ${later.workflowId} until ${later.expiresAt}`;
    await transition(
      'revoked',
      { state: 'revoked', revokedAt: new Date().toISOString(), revokedBy: KEYCARD_ACTOR, revokeReason: reason },
      KEYCARD_ACTOR,
      reason,
      { handedOverTo: later.workflowId },
    );
  }

  /** v2: a request revoked before anything was assigned ends revoked, and nothing reaches Identity Center. */
  async function withdraw(by: Revocation): Promise<void> {
    await transition(
      'revoked',
      { state: 'revoked', revokedAt: new Date().toISOString(), revokedBy: by.by, revokeReason: by.reason },
      by.by,
      by.reason,
      { beforeGrant: true },
    );
  }

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

  async function revoke(
    by: Revocation,
    principal: string,
    endState: 'revoked' | 'failed',
    firstRound = 1,
  ): Promise<void> {
    revoking = true;
    setCurrentDetails(`Revoking: ${by.reason} (by ${by.by})`);
    // v2: nothing stops a revoke once it has begun, not even a cancellation of the workflow.
    if (v2) return CancellationScope.nonCancellable(() => revokeUntilGone(by, principal, endState, firstRound));
    for (let round = 1; ; round++) {
      try {
        const removal = await unassign({ target: request.target, principalId: principal });
        await revoked(by, endState, removal);
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

  async function revoked(
    by: Revocation,
    endState: 'revoked' | 'failed',
    removal: { requestId?: string; alreadyGone?: boolean },
  ): Promise<void> {
    if (endState === 'failed') {
      await transition(
        'grant_failed',
        { state: 'failed', failureReason: by.reason, revokeFailing: undefined },
        by.by,
        by.reason,
        { cleanup: removal },
      );
    } else {
      await transition(
        'revoked',
        {
          state: 'revoked',
          revokedAt: new Date().toISOString(),
          revokedBy: by.by,
          revokeReason: by.reason,
          revokeFailing: undefined,
        },
        by.by,
        by.reason,
        { deletionRequestId: removal.requestId, alreadyGone: removal.alreadyGone },
      );
    }
  }

  /** v2's revoke loop: windows of quick retries, an alert as each window closes, continue-as-new when long. */
  async function revokeUntilGone(
    by: Revocation,
    principal: string,
    endState: 'revoked' | 'failed',
    firstRound: number,
  ): Promise<void> {
    let resumeRequestId: string | undefined;
    for (let round = firstRound; ; round++) {
      const windowMs = revokeWindowMs(round);
      const opened = Date.now();
      try {
        const removal = await removalInRound(
          round,
          own,
        )({
          target: request.target,
          principalId: principal,
          resumeRequestId,
        });
        await revoked(by, endState, removal);
        return;
      } catch (error) {
        resumeRequestId = heartbeatedRequestId(error) ?? resumeRequestId;
        const problem = describeFailure(error);
        const since = status.revokeFailing?.since ?? new Date(opened).toISOString();
        status = { ...status, revokeFailing: { since, rounds: round, lastError: problem } };
        const next = formatDuration(revokeWindowMs(round + 1));
        alert(
          `Revoke of ${workflowInfo().workflowId} is failing (round ${round}, since ${formatUtc(since)}): ` +
            `${problem.replace(/\.?$/, '.')} Access is still granted; Keycard retries every ${formatDuration(revokeRetryIntervalMs(round + 1))} ` +
            `and alerts again in ${next}. Check Identity Center now.`,
        );
        await transition('revoke_failing', {}, KEYCARD_ACTOR, problem, { round });
        // A round cut short (a non-retryable failure) still waits out its window: the alerts keep their pace.
        const rest = opened + windowMs - Date.now();
        if (rest > 0) await sleep(rest);
        const info = workflowInfo();
        if (
          (info.historyLength > CONTINUE_AS_NEW_AFTER_EVENTS || info.continueAsNewSuggested) &&
          besideInFlight === 0 &&
          allHandlersFinished()
        ) {
          const approvalMessage = await approvalMessageRef;
          await continueAsNew<typeof prodAccess>({
            ...request,
            continuedRevoke: {
              status,
              revocation: by,
              principalId: principal,
              endState,
              round: round + 1,
              seq,
              ...(approvalMessage ? { approvalMessage } : {}),
            },
          });
        }
      }
    }
  }
}

/** What activities are handed: the status with its history cut to the entries they read (first, approval, last). */
function forActivities(status: GrantStatus): GrantStatus {
  const { history } = status;
  if (history.length <= 3) return status;
  const approved = [...history].reverse().find((entry) => entry.type === 'approved');
  const kept = [history[0], ...(approved ? [approved] : []), history[history.length - 1]];
  return { ...status, history: kept.filter((entry, index) => kept.indexOf(entry) === index) };
}

/** The status's history keeps its first entry and the latest ones. */
function bounded(history: GrantHistoryEntry[]): GrantHistoryEntry[] {
  if (history.length <= MAX_HISTORY_ENTRIES) return history;
  return [history[0], ...history.slice(history.length - MAX_HISTORY_ENTRIES + 1)];
}

function heartbeatedRequestId(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof TimeoutFailure)) return undefined;
  const details = cause.lastHeartbeatDetails as unknown;
  return typeof details === 'string' ? details : undefined;
}

/**
 * A start input that is not a usable request, turned into one that can be recorded and shown: every field a string,
 * so the failure lands in the audit trail instead of failing the workflow task.
 */
function usableShapeOf(input: unknown): AccessRequest {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const nested = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const show = (value: unknown) =>
    typeof value === 'string'
      ? value.slice(0, 256)
      : value === undefined
        ? ''
        : (JSON.stringify(value)?.slice(0, 256) ?? '');
  const requester = nested(fields.requester);
  const target = nested(fields.target);
  return {
    requestId: workflowInfo().workflowId.slice(GRANT_WORKFLOW_ID_PREFIX.length),
    requester: { slackUserId: show(requester.slackUserId), email: show(requester.email) },
    reason: show(fields.reason),
    target: { accountId: show(target.accountId), permissionSetArn: show(target.permissionSetArn) },
    requestedAt: new Date().toISOString(),
  };
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
