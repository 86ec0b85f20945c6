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
  type AccessRequest,
  type ContinuedRevoke,
  type GrantStatus,
  type Revocation,
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

type Removal = { requestId?: string; alreadyGone?: boolean };

export class RevokeLoop {
  constructor(
    private readonly grant: Grant,
    private readonly identityCenter: ReturnType<typeof identityCenterActivities>,
    private readonly beside: BesideTheStory,
  ) {}

  async revoke(by: Revocation, principal: string, ending: RevokeEnding, firstRound = 1): Promise<void> {
    const grant = this.grant;
    grant.revoking = true;
    setCurrentDetails(revokingDetails(by));
    // v2: nothing stops a revoke once it has begun, not even a cancellation of the workflow.
    if (grant.version.v2)
      return CancellationScope.nonCancellable(() => this.revokeUntilGone(by, principal, ending, firstRound));
    for (let round = 1; ; round++) {
      try {
        const removal = await this.identityCenter.unassign({ target: grant.request.target, principalId: principal });
        await this.revoked(by, ending, removal);
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

  private async revoked(by: Revocation, ending: RevokeEnding, removal: Removal): Promise<void> {
    const { status } = this.grant;
    if (ending === 'failed') {
      await this.grant.transition('grant_failed', fail(status, by.reason, true), by.by, by.reason, {
        cleanup: removal,
      });
    } else {
      await this.grant.transition(
        'revoked',
        endRevoked(status, new Date().toISOString(), by, ending, true),
        by.by,
        by.reason,
        { deletionRequestId: removal.requestId, alreadyGone: removal.alreadyGone },
      );
    }
  }

  /** v2's revoke loop: windows of quick retries, an alert as each window closes, continue-as-new when long. */
  private async revokeUntilGone(
    by: Revocation,
    principal: string,
    ending: RevokeEnding,
    firstRound: number,
  ): Promise<void> {
    const grant = this.grant;
    let resumeRequestId: string | undefined;
    for (let round = firstRound; ; round++) {
      const windowMs = revokeWindowMs(round);
      const opened = Date.now();
      try {
        const removal = await removalInRound(
          round,
          this.identityCenter.own,
        )({
          target: grant.request.target,
          principalId: principal,
          resumeRequestId,
        });
        await this.revoked(by, ending, removal);
        return;
      } catch (error) {
        resumeRequestId = heartbeatedRequestId(error) ?? resumeRequestId;
        const problem = describeFailure(error);
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
}

/** How a run that continued as new ends; runs continued before `ending` was carried tell it from the revocation. */
export function continuedEnding(continued: ContinuedRevoke): RevokeEnding {
  if (continued.ending) return continued.ending;
  if (continued.endState === 'failed') return 'failed';
  // A hand-over never revokes, so only an expiry or a revoke continues as new.
  return revocationEnding(continued.revocation) === 'expired' ? 'expired' : 'revoked';
}
