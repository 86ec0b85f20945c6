/**
 * A grant's state and its transitions: the status the `status` query returns, the audit sequence, what the handlers
 * have received (a decision, a revocation), and transition(), the one way the status changes. Every transition
 * publishes the search attributes and Web UI details, tells Slack, and records the event in the audit trail
 * (v1 waits for the record; v2 queues it beside the story, in order, retried until MongoDB takes it).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { formatDuration, parseDuration } from '../../domain/duration';
import {
  DEFAULT_MAX_TOTAL_DURATION,
  grantedTargets,
  KEYCARD_ACTOR,
  publishedTargetKey,
  type AccessRequest,
  type ContinuedRevoke,
  type Decision,
  type GrantEventType,
  type GrantHistoryEntry,
  type GrantStatus,
  type Revocation,
  type Target,
} from '../../domain/grant';
import { handOverReason } from '../../domain/ending';
import { activate, approve, deny, endRevoked, fail, leaveUnanswered } from '../../domain/transitions';
import { searchAttributes } from '../definitions';
import { recordEvent } from './activities';
import type { SlackAnnouncer } from './announcer';
import type { BesideTheStory } from './beside';
import { bounded, currentDetails, forActivities } from './shown';
import type { StoryVersion } from './version';

/** A decision on the request itself (not on an extension). */
export type RequestDecision = Decision & {
  outcome: 'approved' | 'denied';
  /** v4: the approvers entry (a user, a group) that made the person an approver when they clicked. */
  approverRule?: string;
};

export class Grant {
  status: GrantStatus;
  /** The audit sequence number of the last event (v1: the history's length, which it never cuts). */
  seq: number;
  /** Set by the `revoke` signal; the first one counts. */
  revocation: Revocation | undefined;
  /** True once a revoke has begun: nothing extends the grant after that. */
  revoking: boolean;
  decision: RequestDecision | undefined;
  /** Who may decide, user groups expanded; known once the request reached Slack. */
  approvers: Set<string> | undefined;
  /** Longest total the grant may reach with extensions, e.g. '12h'. */
  readonly maxTotalDuration: string;
  /**
   * Every (account, permission set) the grant assigns and revokes: v4, each account of its catalog target; before,
   * its one target.
   */
  readonly targets: Target[];
  /** v3: the nonces of the front-door proofs this grant has taken (each counts once). */
  readonly usedProofs = new Set<string>();
  /** v2: the records, one after the other, beside the story; finish() waits for the last to land. */
  private records: Promise<unknown> = Promise.resolve();

  constructor(
    readonly request: AccessRequest,
    readonly version: StoryVersion,
    durationMs: number,
    continued: ContinuedRevoke | undefined,
    readonly announcer: SlackAnnouncer,
    private readonly beside: BesideTheStory,
  ) {
    this.revocation = continued?.revocation;
    this.revoking = continued !== undefined;
    const maxTotalDuration = formatDuration(
      parseDuration(request.limits?.maxTotalDuration ?? DEFAULT_MAX_TOTAL_DURATION),
    );
    this.status = continued?.status ?? {
      requestId: request.requestId,
      state: 'pending',
      requester: request.requester,
      target: request.target,
      ...(version.catalogTargets && request.catalogTarget ? { catalogTarget: request.catalogTarget } : {}),
      reason: request.reason,
      duration: formatDuration(durationMs),
      approvedBy: request.approvedBy,
      // Known up front for Slack requests: recorded with the request, so the reconciler never mistakes it for drift.
      principalId: request.principalId,
      maxTotalDuration,
      history: [],
    };
    this.maxTotalDuration = this.status.maxTotalDuration ?? maxTotalDuration;
    this.targets = version.catalogTargets ? grantedTargets(this.status) : [request.target];
    this.seq = continued?.seq ?? 0;
    this.approvers = continued?.status.approvers ? new Set(continued.status.approvers) : undefined;
  }

  /**
   * Every state change goes through here: status, search attributes, Web UI details, Slack and the audit trail.
   * `next` is the status after the step (src/domain/transitions.ts); the event joins its history here.
   */
  async transition(
    type: GrantEventType,
    next: GrantStatus,
    actor: string,
    reason?: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const v2 = this.version.v2;
    const at = new Date().toISOString();
    const entry: GrantHistoryEntry = { at, type, actor, reason };
    const history = [...this.status.history, entry];
    this.status = { ...next, history: v2 ? bounded(history) : history };
    this.seq += 1;
    const { status, seq } = this;
    publish(status);
    this.announcer.announce(type, status);
    const event = {
      eventId: `${this.request.requestId}:${seq}:${type}`,
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
    this.records = this.beside.track(
      this.records.then(() => CancellationScope.nonCancellable(() => recordEvent(event))),
    );
  }

  /** The named transitions of the story. Each returns transition()'s own promise, so awaiting it costs nothing more. */
  approved(by: string, approverRule?: string): Promise<void> {
    return this.transition(
      'approved',
      approve(this.status, by),
      by,
      undefined,
      approverRule ? { approverRule } : undefined,
    );
  }

  /** Denied by an approver, or (by 'temporal') the workflow was cancelled while the request waited. */
  denied(by: string, reason: string | undefined): Promise<void> {
    return this.transition('denied', deny(this.status, by, reason), by, reason);
  }

  /** Nobody decided within the request timeout. */
  unanswered(requestTimeout: string): Promise<void> {
    const reason = `no decision within ${requestTimeout}`;
    return this.transition('expired', leaveUnanswered(this.status), KEYCARD_ACTOR, reason);
  }

  /**
   * Identity Center confirmed the assignment (v4: every account's) at `grantedAt`: the time box starts now.
   * `creations` are the creation request ids in the order of `targets` (undefined where one already existed).
   */
  granted(grantedAt: number, durationMs: number, creations: (string | undefined)[]): Promise<void> {
    const expiresAt = new Date(grantedAt + durationMs).toISOString();
    const perAccount = this.version.catalogTargets
      ? {
          creationRequestIds: Object.fromEntries(
            this.targets.map((target, index) => [target.accountId, creations[index] ?? null]),
          ),
        }
      : {};
    return this.transition(
      'granted',
      activate(this.status, new Date(grantedAt).toISOString(), expiresAt),
      KEYCARD_ACTOR,
      this.request.reason,
      { creationRequestId: creations[0], expiresAt, ...perAccount },
    );
  }

  /** Never granted: a failed lookup, assignment or start. */
  fail(failureReason: string): Promise<void> {
    return this.transition('grant_failed', fail(this.status, failureReason), KEYCARD_ACTOR, failureReason);
  }

  /** v2: a request revoked before anything was assigned ends revoked, and nothing reaches Identity Center. */
  async withdraw(by: Revocation): Promise<void> {
    await this.transition(
      'revoked',
      endRevoked(this.status, new Date().toISOString(), by, 'withdrawn'),
      by.by,
      by.reason,
      { beforeGrant: true },
    );
  }

  /**
   * At expiry the person holds a later lease on the same target: access continues under it, nothing is removed.
   * v4: `perTarget` names the lease carrying each pair on (several, when other grants cover different accounts).
   */
  async handOver(
    later: { workflowId: string; expiresAt: string },
    perTarget?: ({ workflowId: string } | undefined)[],
  ): Promise<void> {
    const reason = handOverReason(later.workflowId, later.expiresAt);
    await this.transition(
      'revoked',
      endRevoked(this.status, new Date().toISOString(), { by: KEYCARD_ACTOR, reason }, 'handed_over'),
      KEYCARD_ACTOR,
      reason,
      { handedOverTo: later.workflowId, ...(perTarget ? { carriedOn: carriedOn(this.targets, perTarget) } : {}) },
    );
  }

  /** Lets the last records and Slack messages go out (and any update in hand finish) before the workflow ends. */
  async finish(): Promise<GrantStatus> {
    await CancellationScope.nonCancellable(async () => {
      await Promise.all(this.announcer.notices);
      await this.announcer.approvalMessageUpdates;
      if (this.version.v2) {
        await this.records;
        await condition(allHandlersFinished);
      }
    });
    return this.status;
  }

  isRequester(by: string): boolean {
    return by === this.request.requester.slackUserId || by === this.request.requester.email;
  }
}

/** Which lease carries each account on: accountId → workflow id. */
export function carriedOn(targets: Target[], leases: ({ workflowId: string } | undefined)[]): Record<string, string> {
  const carried: Record<string, string> = {};
  targets.forEach((target, index) => {
    const lease = leases[index];
    if (lease) carried[target.accountId] = lease.workflowId;
  });
  return carried;
}

/** Search attributes and Web UI details, from the status in one place. */
function publish(status: GrantStatus): void {
  upsertSearchAttributes([
    { key: searchAttributes.state, value: status.state },
    { key: searchAttributes.requester, value: status.requester.email },
    { key: searchAttributes.target, value: publishedTargetKey(status) },
    ...(status.approvedBy ? [{ key: searchAttributes.approver, value: status.approvedBy }] : []),
    ...(status.expiresAt ? [{ key: searchAttributes.expiresAt, value: new Date(status.expiresAt) }] : []),
  ]);
  setCurrentDetails(currentDetails(status));
}
