/**
 * The revoke: it runs whatever ended the wait, and retries until Identity Center confirms the assignment is gone.
 * v1 runs quick rounds with an alert (awaited) and a pause between them, forever. v2 runs rounds of growing windows
 * that nothing cancels, alerts beside the story as each window closes, and continues as new before its history grows
 * large (see revokePace.ts).
 */
import {
  allHandlersFinished,
  CancellationScope,
  continueAsNew,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { formatDuration } from '../../domain/duration';
import {
  KEYCARD_ACTOR,
  targetKey,
  type AccessRequest,
  type ContinuedRevoke,
  type GrantStatus,
  type RemovalReceipt,
  type Revocation,
  type Target,
} from '../../domain/grant';
import { revocationEnding } from '../../domain/ending';
import { formatUtc } from '../../domain/time';
import { endRevoked, fail, revokeFailing } from '../../domain/transitions';
import { raiseAlert, removalInRound, type identityCenterActivities } from './activities';
import type { BesideTheStory } from './beside';
import { describeFailure, heartbeatedRequestId } from './failures';
import { CONTINUE_AS_NEW_AFTER_EVENTS, REVOKE_ROUND_PAUSE, revokeRetryIntervalMs, revokeWindowMs } from './revokePace';
import { revokingDetails } from './shown';
import type { Grant } from './state';

/** How the grant ends once the revoke is confirmed: failed ones were never granted (a half-done assignment goes). */
export type RevokeEnding = 'expired' | 'revoked' | 'failed';

type Removal = { requestId?: string; alreadyGone?: boolean; keptProtected?: string };

export interface RevokeOptions {
  /** The round to start at (a run that continued as new goes on with its back-off). */
  firstRound?: number;
  /** The pairs to remove: every pair of the grant unless told (v4 leaves out what a later lease carries on). */
  targets?: Target[];
  /** v4: what earlier runs of this revoke removed already, per account. */
  removedEarlier?: Record<string, RemovalReceipt>;
  /** v4, at the expiry: the accounts a later lease of the person carries on (accountId → workflow id), left in place. */
  carriedOn?: Record<string, string>;
}

/** What the ending's audit event says besides this run's removals (v4). */
interface AlreadyKnown {
  removedEarlier: Record<string, RemovalReceipt>;
  carriedOn?: Record<string, string>;
}

export class RevokeLoop {
  constructor(
    private readonly grant: Grant,
    private readonly identityCenter: ReturnType<typeof identityCenterActivities>,
    private readonly beside: BesideTheStory,
  ) {}

  /**
   * Removes `targets` (every pair of the grant unless told: v4 leaves out the pairs a later lease carries on) and
   * confirms each, then records the ending.
   */
  async revoke(by: Revocation, principal: string, ending: RevokeEnding, options: RevokeOptions = {}): Promise<void> {
    const grant = this.grant;
    const { firstRound = 1, targets = grant.targets, removedEarlier = {}, carriedOn } = options;
    const known: AlreadyKnown = { removedEarlier, ...(carriedOn ? { carriedOn } : {}) };
    grant.revoking = true;
    setCurrentDetails(revokingDetails(by));
    // v2: nothing stops a revoke once it has begun, not even a cancellation of the workflow.
    if (grant.version.v2)
      return CancellationScope.nonCancellable(() =>
        this.revokeUntilGone(by, principal, ending, firstRound, targets, known),
      );
    for (let round = 1; ; round++) {
      try {
        const removal = await this.identityCenter.unassign({ target: grant.request.target, principalId: principal });
        await this.revoked(by, ending, [grant.request.target], [removal], { removedEarlier: {} });
        return;
      } catch (error) {
        const problem = describeFailure(error);
        const message =
          `Revoke of ${workflowInfo().workflowId} is failing (round ${round}): ${problem.replace(/\.?$/, '.')}` +
          ` Access is still granted; Keycard keeps retrying every ${REVOKE_ROUND_PAUSE}. Check Identity Center now.`;
        await raiseAlert({
          requestId: grant.request.requestId,
          workflowId: workflowInfo().workflowId,
          message,
          channel: grant.request.slack?.approverChannel,
        });
        await grant.transition('revoke_failing', grant.status, KEYCARD_ACTOR, problem, { round });
        await sleep(REVOKE_ROUND_PAUSE);
      }
    }
  }

  /** Every removal confirmed, in the order of `targets`: the ending is recorded, with each account's receipt (v4). */
  private async revoked(
    by: Revocation,
    ending: RevokeEnding,
    targets: Target[],
    removals: Removal[],
    { removedEarlier, carriedOn }: AlreadyKnown,
  ): Promise<void> {
    const { status, version } = this.grant;
    const [removal] = removals;
    const perAccount = version.catalogTargets
      ? {
          accounts: { ...removedEarlier, ...receipts(targets, removals) },
          ...(carriedOn ? { carriedOn } : {}),
        }
      : {};
    if (ending === 'failed') {
      await this.grant.transition('grant_failed', fail(status, by.reason, true), by.by, by.reason, {
        cleanup: removal,
        ...perAccount,
      });
    } else {
      await this.grant.transition(
        'revoked',
        endRevoked(status, new Date().toISOString(), by, ending, true),
        by.by,
        by.reason,
        {
          deletionRequestId: removal?.requestId,
          alreadyGone: version.catalogTargets ? removals.every((each) => each.alreadyGone) : removal?.alreadyGone,
          ...perAccount,
        },
      );
    }
  }

  /**
   * v2's revoke loop: windows of quick retries, an alert as each window closes, continue-as-new when long. Each round
   * asks for every pair not yet confirmed gone, side by side: one account that refuses never holds up the others.
   */
  private async revokeUntilGone(
    by: Revocation,
    principal: string,
    ending: RevokeEnding,
    firstRound: number,
    targets: Target[],
    known: AlreadyKnown,
  ): Promise<void> {
    const { removedEarlier } = known;
    const grant = this.grant;
    const removals = new Map<string, Removal>();
    const resumeRequestIds = new Map<string, string>();
    for (let round = firstRound; ; round++) {
      const windowMs = revokeWindowMs(round);
      const opened = Date.now();
      const remaining = targets.filter((target) => !removals.has(targetKey(target)));
      const unassign = removalInRound(round, this.identityCenter.own);
      const removal = (target: Target) =>
        unassign({ target, principalId: principal, resumeRequestId: resumeRequestIds.get(targetKey(target)) });
      let outcomes: PromiseSettledResult<Removal>[];
      if (remaining.length === 1) {
        // One pair (every run before v4): awaited as it always was, so older histories replay step for step.
        try {
          outcomes = [{ status: 'fulfilled', value: await removal(remaining[0]) }];
        } catch (error) {
          outcomes = [{ status: 'rejected', reason: error }];
        }
      } else {
        outcomes = await Promise.allSettled(remaining.map(removal));
      }
      const failures: string[] = [];
      outcomes.forEach((outcome, index) => {
        const key = targetKey(remaining[index]);
        if (outcome.status === 'fulfilled') {
          removals.set(key, outcome.value);
          return;
        }
        const heartbeated = heartbeatedRequestId(outcome.reason);
        if (heartbeated) resumeRequestIds.set(key, heartbeated);
        const problem = describeFailure(outcome.reason);
        failures.push(targets.length > 1 ? `${accountName(grant, remaining[index])}: ${problem}` : problem);
      });
      if (failures.length === 0) {
        await this.revoked(
          by,
          ending,
          targets,
          targets.map((target) => removals.get(targetKey(target)) ?? {}),
          known,
        );
        return;
      }
      const problem = failures.join('; ');
      const since = grant.status.revokeFailing?.since ?? new Date(opened).toISOString();
      grant.status = revokeFailing(grant.status, { since, rounds: round, lastError: problem });
      const next = formatDuration(revokeWindowMs(round + 1));
      grant.announcer.alert(
        `Revoke of ${workflowInfo().workflowId} is failing (round ${round}, since ${formatUtc(since)}): ` +
          `${problem.replace(/\.?$/, '.')} Access is still granted; Keycard retries every ${formatDuration(revokeRetryIntervalMs(round + 1))} ` +
          `and alerts again in ${next}. Check Identity Center now.`,
      );
      await grant.transition('revoke_failing', grant.status, KEYCARD_ACTOR, problem, { round });
      // A round cut short (a non-retryable failure) still waits out its window: the alerts keep their pace.
      const rest = opened + windowMs - Date.now();
      if (rest > 0) await sleep(rest);
      const info = workflowInfo();
      if (
        (info.historyLength > CONTINUE_AS_NEW_AFTER_EVENTS || info.continueAsNewSuggested) &&
        this.beside.idle &&
        allHandlersFinished()
      ) {
        const approvalMessage = await grant.announcer.approvalMessageRef;
        await continueAsNew<(request: AccessRequest) => Promise<GrantStatus>>({
          ...grant.request,
          continuedRevoke: {
            status: grant.status,
            revocation: by,
            principalId: principal,
            // The new run asks only for what is left, and keeps the receipts of what went already.
            ...(grant.version.catalogTargets
              ? {
                  targets: targets.filter((target) => !removals.has(targetKey(target))),
                  removedAccounts: {
                    ...removedEarlier,
                    ...receipts(
                      targets.filter((target) => removals.has(targetKey(target))),
                      targets.flatMap((target) => removals.get(targetKey(target)) ?? []),
                    ),
                  },
                }
              : {}),
            endState: ending === 'failed' ? 'failed' : 'revoked',
            ending,
            round: round + 1,
            seq: grant.seq,
            ...(approvalMessage ? { approvalMessage } : {}),
          },
        });
      }
    }
  }
}

/** What the audit trail keeps of each account's removal, from `removals` in the order of `targets`. */
function receipts(targets: Target[], removals: Removal[]): Record<string, RemovalReceipt> {
  return Object.fromEntries(
    targets.map((target, index) => {
      const removal = removals[index];
      const receipt: RemovalReceipt = {
        deletionRequestId: removal?.requestId ?? null,
        alreadyGone: removal?.alreadyGone === true,
        ...(removal?.keptProtected ? { keptProtected: removal.keptProtected } : {}),
      };
      return [target.accountId, receipt];
    }),
  );
}

/** An account as people read it: its catalog name and id, or the id alone. */
export function accountName(grant: Grant, target: Target): string {
  const account = grant.status.catalogTarget?.accounts.find((each) => each.id === target.accountId);
  return account && account.name !== account.id ? `${account.name} (${account.id})` : target.accountId;
}

/** How a run that continued as new ends; runs continued before `ending` was carried tell it from the revocation. */
export function continuedEnding(continued: ContinuedRevoke): RevokeEnding {
  if (continued.ending) return continued.ending;
  if (continued.endState === 'failed') return 'failed';
  // A hand-over never revokes, so only an expiry or a revoke continues as new.
  return revocationEnding(continued.revocation) === 'expired' ? 'expired' : 'revoked';
}
