/**
 * The activities a grant workflow calls: everything that touches the world (Identity Center, MongoDB, alerts).
 * Built once per worker from its dependencies; the workflow imports only the type.
 */
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { GrantStatus, IdentityCenterUserName, NoticeType, Target } from '../domain/grant';
import { AssignmentFailedError, PrincipalNotFoundError, SlackPermanentError } from '../domain/errors';
import { NO_PROTECTION, protectedBecause, type Protection } from '../domain/protection';
import type { FrontDoorKey, ProofCheck, ProofVerdict } from '../services/frontDoor';
import type { AssignmentResult, IdentityCenter } from '../services/identityCenter';
import type { ReconcileMode, ReconcileOptions, ReconcileSummary } from '../services/reconcile';
import type { GrantEventInput, GrantRecords } from '../services/records';
import type { LeaseFinder, LeaseQuestion, LeasesFinder, LeasesQuestion } from './leases';
import type { MessageRef, SlackNotifier } from './slack';

export interface ActivityDependencies {
  identityCenter: IdentityCenter;
  records: GrantRecords;
  logger: Logger;
  /** Absent when the worker has no SLACK_BOT_TOKEN: Slack requests then fail loudly instead of waiting forever. */
  slack?: SlackNotifier;
  /** The reconciliation backstop and its default mode (RECONCILE_MODE). */
  reconciler?: { run: (options: ReconcileOptions) => Promise<ReconcileSummary>; mode: ReconcileMode };
  /** Later leases of the same person, from Temporal's visibility; without it the lease check fails and access ends. */
  leases?: LeaseFinder;
  /** The same per (account, permission set) of a grant (v4 runs). */
  leasesPerTarget?: LeasesFinder;
  /** Checks the proofs of Keycard's front door (KEYCARD_SIGNING_KEY); the key never leaves this process. */
  frontDoor: FrontDoorKey;
  /**
   * Assignments Keycard never makes or removes (PROTECTED_PRINCIPALS, KEYCARD_PERMISSION_SET_ARN): a grant of one
   * could never be taken back, so it fails; a revoke of one leaves it in place.
   */
  protection?: Protection;
  /** Where an alert about a grant with no Slack routing is posted (APPROVER_CHANNEL), when Slack is configured. */
  alertChannel?: string;
  /** Told of every grant event once it is stored (the process's metrics); the activities know nothing of metrics. */
  onEventRecorded?: (event: GrantEventInput) => void;
}

export interface RequesterLookup {
  principalId?: string;
  /** How Identity Center names that user (lookups since 'requester-user-name'), for the approvers. */
  user?: IdentityCenterUserName;
  /** Why there is no principal, in words the requester can act on. */
  problem?: string;
}

export interface AssignmentInput {
  target: Target;
  principalId: string;
  /** A request an earlier activity (a revoke round that ran out of time) made and heartbeated: polled, not re-asked. */
  resumeRequestId?: string;
}

export interface Alert {
  requestId: string;
  workflowId: string;
  message: string;
  /** Also posted here (the approvers' channel) when Slack is configured. */
  channel?: string;
}

export const LEASE_RECORDS_TIMEOUT_MS = 3_000;

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createActivities({
  identityCenter,
  records,
  logger,
  slack,
  reconciler,
  leases,
  leasesPerTarget,
  frontDoor,
  alertChannel,
  protection = NO_PROTECTION,
  onEventRecorded,
}: ActivityDependencies) {
  function slackOrFail(): SlackNotifier {
    if (!slack) throw new SlackPermanentError('Slack is not configured on this worker: set SLACK_BOT_TOKEN');
    return slack;
  }

  /** Heartbeats the AWS request id so a retried attempt polls the same request instead of asking again. */
  function progress(earlier?: string) {
    const context = Context.current();
    const heartbeated = context.info.heartbeatDetails as unknown;
    const resumeRequestId = typeof heartbeated === 'string' ? heartbeated : earlier;
    return {
      resumeRequestId,
      onProgress: (requestId: string) => context.heartbeat(requestId),
      sleep: (ms: number) => context.sleep(ms),
    };
  }

  /** The lease check: Temporal's visibility, or (when it cannot answer) the records, for a few seconds at most. */
  async function fromVisibilityOrRecords<Answer>(
    requestId: string,
    visibility: (() => Promise<Answer>) | undefined,
    fromRecords: () => Promise<Answer>,
  ): Promise<Answer> {
    try {
      if (!visibility) throw new Error('this worker has no Temporal client for the lease check');
      return await visibility();
    } catch (error) {
      logger.warn({ err: error, requestId }, 'visibility could not answer the lease check; asking the records');
      return withTimeout(fromRecords(), LEASE_RECORDS_TIMEOUT_MS, 'the records did not answer the lease check');
    }
  }

  return {
    async principalForEmail(email: string): Promise<string> {
      return identityCenter.principalForEmail(email);
    },

    /** For the Slack front door: is there an Identity Center user for this email? Never throws for "no". */
    async lookupRequester(email: string): Promise<RequesterLookup> {
      try {
        return { principalId: await identityCenter.principalForEmail(email) };
      } catch (error) {
        if (error instanceof PrincipalNotFoundError) return { problem: error.message };
        throw error;
      }
    },

    /** For the Slack front door: the name of the user a lookup found, shown to the approvers. */
    async identityCenterUserName(principalId: string): Promise<IdentityCenterUserName | undefined> {
      try {
        return await identityCenter.userNameOf(principalId);
      } catch (error) {
        // Removed since the lookup found it: the grant's own lookup refuses it later; the approvers see no name.
        if (error instanceof PrincipalNotFoundError) return undefined;
        throw error;
      }
    },

    async assign({ target, principalId }: AssignmentInput): Promise<AssignmentResult> {
      const kept = protectedBecause(protection, { principalId, target });
      if (kept) {
        throw new AssignmentFailedError(
          `${kept}: Keycard never removes that access, so it does not grant it either (it would never end)`,
        );
      }
      return identityCenter.assign(target, principalId, progress());
    },

    async unassign({ target, principalId, resumeRequestId }: AssignmentInput): Promise<AssignmentResult> {
      const kept = protectedBecause(protection, { principalId, target });
      if (kept) {
        // Never lock the organisation out: whatever the path (a failed grant's clean-up, a revoke), it stays.
        logger.warn({ principalId, target }, `left a protected assignment in place: ${kept}`);
        return { keptProtected: kept };
      }
      return identityCenter.unassign(target, principalId, progress(resumeRequestId));
    },

    /** Whether Keycard's front door sent this input. Never throws for a bad proof: the verdict says what was wrong. */
    async verifyProof(check: ProofCheck): Promise<ProofVerdict> {
      const verdict = frontDoor.verify(check);
      if (!verdict.ok)
        logger.warn({ action: check.action, workflowId: check.workflowId }, `refused: ${verdict.problem}`);
      return verdict;
    },

    async recordEvent(event: GrantEventInput): Promise<void> {
      await records.recordEvent(event);
      onEventRecorded?.(event);
    },

    /** Grants started before the lease check moved to Temporal's visibility still ask MongoDB (their histories say so). */
    async laterLease(lease: { requestId: string; principalId: string; target: Target; expiresAt: string }) {
      return records.laterLease(lease);
    },

    /**
     * A later lease of the same person on the same target, from Temporal's visibility. Only when visibility cannot
     * answer (a server without it, such as the time-skipping test server) are the records asked, for at most
     * LEASE_RECORDS_TIMEOUT_MS: the check never waits on a MongoDB that hangs.
     */
    async laterLeaseOf(lease: LeaseQuestion) {
      return fromVisibilityOrRecords(lease.requestId, leases && (() => leases(lease)), () => records.laterLease(lease));
    },

    /**
     * v4: for each (account, permission set) of a grant, the later lease of the same person covering it, or
     * undefined. As laterLeaseOf: the records answer, briefly, only when Temporal's visibility cannot.
     */
    async laterLeasesOf(question: LeasesQuestion) {
      return fromVisibilityOrRecords(question.requestId, leasesPerTarget && (() => leasesPerTarget(question)), () =>
        Promise.all(question.targets.map((target) => records.laterLease({ ...question, target }))),
      );
    },

    /**
     * v4: the entry of `approvers` that makes `person` an approver now (their user id, or a user group read from
     * Slack at most GROUP_MEMBERS_CACHE ago), or undefined: asked when a decision arrives, not when the request did.
     */
    async approverRule(input: { approvers: string[]; person: string }): Promise<string | undefined> {
      return slackOrFail().approverRule(input.approvers, input.person);
    },

    /** An operator must look now: an error log line, and a post in the approvers' channel when there is one. */
    async raiseAlert(alert: Alert): Promise<void> {
      logger.error({ alert: true, requestId: alert.requestId, workflowId: alert.workflowId }, alert.message);
      const channel = alert.channel ?? alertChannel;
      if (channel && slack) await slack.postAlert(channel, alert.message);
    },

    /** One reconciliation run (the schedule's workflow calls this). */
    async reconcileNow(options: Partial<ReconcileOptions> = {}): Promise<ReconcileSummary> {
      if (!reconciler) throw new Error('this worker was started without the reconciler');
      return reconciler.run({ mode: options.mode ?? reconciler.mode, dryRun: options.dryRun });
    },

    async expandApprovers(approvers: string[]): Promise<string[]> {
      return slackOrFail().expandApprovers(approvers);
    },

    async postApprovalMessage(input: {
      channel: string;
      status: GrantStatus;
      workflowId: string;
    }): Promise<MessageRef> {
      return slackOrFail().postApprovalMessage(input.channel, input.status, input.workflowId);
    },

    async updateApprovalMessage(input: { ref: MessageRef; status: GrantStatus; workflowId: string }): Promise<void> {
      await slackOrFail().updateApprovalMessage(input.ref, input.status, input.workflowId);
    },

    async notifyRequester(input: { status: GrantStatus; event: NoticeType; workflowId: string }): Promise<void> {
      await slackOrFail().notifyRequester(input.status, input.event, input.workflowId);
    },

    async postExtensionRequest(input: {
      channel: string;
      status: GrantStatus;
      workflowId: string;
    }): Promise<MessageRef> {
      return slackOrFail().postExtensionRequest(input.channel, input.status, input.workflowId);
    },

    async updateExtensionRequest(input: { ref: MessageRef; status: GrantStatus; event: NoticeType }): Promise<void> {
      await slackOrFail().updateExtensionRequest(input.ref, input.status, input.event);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
