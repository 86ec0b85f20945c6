/**
 * One production-access grant, from the request to the confirmed revocation. The story:
 * (v3) check the request's proof from Keycard's front door → (Slack requests) ask the approvers and wait for
 * `approve`, `deny` or the request timeout → resolve the requester → assign → record → wait until the expiry, a
 * `revoke` signal or a cancellation → unassign → record.
 * Whatever ends the wait, the revoke runs, and it retries until Identity Center confirms it.
 * Slack messages go out beside the story, never in its way: a Slack outage delays a message, never a grant or revoke.
 * The parts live in ./grant: the state and its transitions, the handlers, the movable expiry, the revoke loop, the
 * Slack announcer, the activities. The awaits below are the story's commands, in the order every history holds.
 */
import { CancellationScope, condition, isCancellation, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { parseDuration } from '../domain/duration';
import {
  DEFAULT_EXPIRY_WARNING,
  DEFAULT_GRANT_DURATION,
  GRANT_WORKFLOW_ID_PREFIX,
  KEYCARD_ACTOR,
  type AccessRequest,
  type GrantStatus,
} from '../domain/grant';
import { EXPIRY } from '../domain/ending';
import { requestProblems } from '../domain/inputs';
import { identityCenterActivities, slack } from './grant/activities';
import { SlackAnnouncer } from './grant/announcer';
import { BesideTheStory } from './grant/beside';
import { MovableExpiry } from './grant/expiry';
import { describeFailure } from './grant/failures';
import { checkProof } from './grant/frontDoor';
import { wireHandlers } from './grant/handlers';
import { assignEach, catalogDetails } from './grant/accounts';
import { laterLeaseCheck, laterLeasesCheck } from './grant/lease';
import { continuedEnding, RevokeLoop } from './grant/revoke';
import { revokingDetails } from './grant/shown';
import { carriedOn, Grant } from './grant/state';
import { usableShapeOf } from './grant/usableShape';
import { storyVersion } from './grant/version';

export { RELIABLE_REVOKE_PATCH } from './grant/version';

export async function prodAccess(input: AccessRequest): Promise<GrantStatus> {
  const version = storyVersion();
  const v2 = version.v2;
  const problems = v2 ? requestProblems(input) : [];
  const request =
    problems.length === 0
      ? input
      : usableShapeOf(
          input,
          workflowInfo().workflowId.slice(GRANT_WORKFLOW_ID_PREFIX.length),
          new Date().toISOString(),
        );
  const continued = v2 ? input?.continuedRevoke : undefined;
  const identityCenter = identityCenterActivities();
  const durationMs = problems.length ? 1_000 : version.requestedMs(request.duration ?? DEFAULT_GRANT_DURATION);
  const beside = new BesideTheStory();
  const announcer = new SlackAnnouncer(request, beside, continued?.approvalMessage);
  const grant = new Grant(request, version, durationMs, continued, announcer, beside);
  const expiry = new MovableExpiry(grant, parseDuration(request.limits?.expiryWarning ?? DEFAULT_EXPIRY_WARNING));
  const revoker = new RevokeLoop(grant, identityCenter, beside);
  wireHandlers(grant);

  if (problems.length > 0) {
    await grant.fail(`not a usable request: ${problems.join('; ')}`);
    return grant.finish();
  }

  if (continued) {
    // A revoke that kept failing continued as a new run: it picks up where it stood.
    setCurrentDetails(revokingDetails(continued.revocation));
    await revoker.revoke(continued.revocation, continued.principalId, continuedEnding(continued), {
      firstRound: continued.round,
      targets: continued.targets,
      removedEarlier: continued.removedAccounts,
    });
    return grant.finish();
  }

  await grant.transition('requested', grant.status, request.requester.email, request.reason, {
    duration: grant.status.duration,
    approvedBy: request.approvedBy,
    ...(version.catalogTargets ? catalogDetails(request) : {}),
  });

  if (version.proofs) {
    // v3: only a request Keycard's front door made is acted on; nobody is asked and nothing is assigned otherwise.
    const verdict = await checkProof(grant, 'request', input, request.requester.email);
    if (!verdict.ok) {
      grant.status = { ...grant.status, approvedBy: undefined };
      await grant.fail(`refused: ${verdict.problem}`);
      return grant.finish();
    }
  }

  if (request.slack) {
    const routing = request.slack;
    try {
      grant.approvers = new Set(await slack.expandApprovers(routing.approvers));
      grant.status = { ...grant.status, approvers: [...grant.approvers] };
    } catch (error) {
      await grant.fail(`could not read the approvers from Slack: ${describeFailure(error)}`);
      return grant.finish();
    }
    announcer.postApprovalMessage(routing.approverChannel, grant.status);

    let decided: boolean;
    try {
      // v2: a revoke while nobody has decided withdraws the request.
      decided = await condition(
        () => grant.decision !== undefined || (v2 && grant.revocation !== undefined),
        version.requestedMs(routing.requestTimeout),
      );
    } catch (error) {
      if (!isCancellation(error)) throw error;
      await CancellationScope.nonCancellable(async () => {
        await grant.denied('temporal', 'workflow cancelled');
        await grant.finish();
      });
      throw error;
    }
    const { decision, revocation } = grant;
    if (v2 && !decision && revocation) {
      await grant.withdraw(revocation);
      return grant.finish();
    }
    if (!decided || !decision) {
      await grant.unanswered(routing.requestTimeout);
      return grant.finish();
    }
    if (decision.outcome === 'denied') {
      await grant.denied(decision.by, decision.reason);
      return grant.finish();
    }
    await grant.approved(decision.by, decision.approverRule);
  }

  let principalId: string;
  try {
    principalId = request.principalId ?? (await identityCenter.principalForEmail(request.requester.email));
  } catch (error) {
    await grant.fail(describeFailure(error));
    return grant.finish();
  }
  grant.status = { ...grant.status, principalId };
  if (v2 && grant.revocation) {
    // Revoked after the approval, before anything was assigned: nothing to remove.
    await grant.withdraw(grant.revocation);
    return grant.finish();
  }

  try {
    if (version.catalogTargets) {
      const assigned = await assignEach(grant, identityCenter, principalId);
      if (!assigned.ok) {
        // Not every account confirmed: what was made, and whatever the failing account half-did, is removed.
        await revoker.revoke(assigned.failed, principalId, 'failed', { targets: assigned.toRemove });
        return grant.finish();
      }
      await grant.granted(Date.now(), durationMs, assigned.creations);
    } else {
      try {
        const assignment = await identityCenter.assign({ target: request.target, principalId });
        // v2 does not wait for the record: the time box starts when Identity Center confirms, whatever MongoDB does.
        await grant.granted(Date.now(), durationMs, [assignment.requestId]);
      } catch (error) {
        if (isCancellation(error)) throw error;
        // Not confirmed: whatever Identity Center half-did is removed before the failure is reported.
        const failed = { by: KEYCARD_ACTOR, reason: `grant failed: ${describeFailure(error)}` };
        await revoker.revoke(failed, principalId, 'failed');
        return grant.finish();
      }
    }

    await expiry.waitForTheEnd();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => {
      await revoker.revoke({ by: 'temporal', reason: 'workflow cancelled' }, principalId, 'revoked');
      await grant.finish();
    });
    throw error;
  }

  if (version.catalogTargets) {
    // Grants are leases on each (account, permission set): a pair a later lease of this person covers stays.
    const carried = await laterLeasesCheck(grant, principalId);
    const toRemove = grant.targets.filter((_, index) => !carried[index]);
    const later = carried.find((lease) => lease !== undefined);
    if (toRemove.length === 0 && later) {
      await grant.handOver(later, carried);
      return grant.finish();
    }
    const { revocation } = grant;
    await revoker.revoke(revocation ?? EXPIRY, principalId, revocation ? 'revoked' : 'expired', {
      targets: toRemove,
      ...(later ? { carriedOn: carriedOn(grant.targets, carried) } : {}),
    });
    return grant.finish();
  }

  // Grants are leases: if this person holds a later lease on the same target, access continues under it.
  const leaseCheck = laterLeaseCheck(grant, principalId);
  if (leaseCheck) {
    const later = await leaseCheck;
    if (later) {
      await grant.handOver(later);
      return grant.finish();
    }
  }
  const { revocation } = grant;
  await revoker.revoke(revocation ?? EXPIRY, principalId, revocation ? 'revoked' : 'expired');
  return grant.finish();
}
