/**
 * Overdue grants: still active in MongoDB past expiry + grace. Workflow gone → revoke and record
 * `revoked_by_reconciler`; workflow running (a worker is down) → alert and keep watching, until the grant is
 * RECONCILE_OVERDUE_REVOKE past its expiry: then revoke it anyway and tell the workflow (the `revoke` signal).
 * Every (account, permission set) of the grant is revoked (a catalog target's grant covers several). Before removing
 * one, another live lease of the same person on the same pair takes it over instead; a protected assignment
 * (PROTECTED_PRINCIPALS) is never removed.
 */
import { formatDuration } from '../../domain/duration';
import { handOverReason } from '../../domain/ending';
import { targetKey, type Target } from '../../domain/grant';
import { RECONCILER_ACTOR, recordTargets, type GrantRecord } from '../records';
import { describeError, leftInPlaceIfProtected, noProgress, type Reconciling, type Sweep } from './sweep';

const DEFAULT_OVERDUE_REVOKE_MS = 10 * 60_000;

function overdueRevokeMs(ctx: Reconciling): number {
  return ctx.policy.overdueRevokeMs ?? DEFAULT_OVERDUE_REVOKE_MS;
}

function roundedToSeconds(ms: number): number {
  return Math.max(1_000, Math.round(ms / 1_000) * 1_000);
}

/** Overdue grants: the workflow should have revoked these already. */
export async function overdueGrants(ctx: Reconciling, sweep: Sweep): Promise<void> {
  let overdue: GrantRecord[] = [];
  await sweep.attempt({ what: 'reading the overdue grants' }, async () => {
    overdue = await ctx.deps.records.overdueGrants(new Date(sweep.now.getTime() - ctx.policy.graceMs));
  });
  sweep.summary.checked.overdue = overdue.length;
  for (const grant of overdue) {
    await sweep.attempt(
      {
        what: `overdue grant ${grant.workflowId}`,
        requestId: grant.requestId,
        principalId: grant.principalId,
        target: grant.targetKey,
      },
      () => overdueGrant(ctx, sweep, grant),
    );
  }
}

async function overdueGrant(ctx: Reconciling, sweep: Sweep, grant: GrantRecord): Promise<void> {
  const { records, identityCenter } = ctx.deps;
  const { summary, now } = sweep;
  const state = (await ctx.deps.workflowState?.(grant.workflowId).catch(() => 'UNKNOWN' as const)) ?? 'UNKNOWN';
  const base = { requestId: grant.requestId, principalId: grant.principalId ?? '', target: grant.targetKey };
  const expiredAt = grant.expiresAt?.toISOString();
  const lateMs = now.getTime() - (grant.expiresAt?.getTime() ?? now.getTime());
  const forced = state === 'RUNNING' && lateMs >= overdueRevokeMs(ctx);
  if (state === 'RUNNING' && !forced) {
    summary.findings.push({ ...base, kind: 'overdue_running', detail: `expired ${expiredAt}` });
    await sweep.alert(
      `Grant ${grant.workflowId} (${grant.requester.email}) expired at ${expiredAt} and is not revoked yet; its workflow is still running. Is a Keycard worker down? The reconciler revokes it itself ${formatDuration(overdueRevokeMs(ctx))} after its expiry.`,
    );
    return;
  }
  const reason = forced
    ? `expired at ${expiredAt}; still in place ${formatDuration(roundedToSeconds(lateMs))} later, past RECONCILE_OVERDUE_REVOKE (${formatDuration(overdueRevokeMs(ctx))}), while its workflow is still running (is every Keycard worker down?)`
    : `expired at ${expiredAt}; its workflow is ${state === 'UNKNOWN' ? 'unreachable (Temporal down?)' : 'no longer running (terminated, failed or lost)'}`;

  // Grants are leases on each (account, permission set) they cover: another live lease on a pair keeps that pair,
  // exactly as the workflow hands over; a protected pair stays; every other pair is removed.
  const handedOver: { key: string; handover: string; workflowId: string }[] = [];
  const protectedPairs: { key: string; because: string }[] = [];
  const removed: Target[] = [];
  for (const target of recordTargets(grant)) {
    const key = targetKey(target);
    const successor = await liveSuccessor(ctx, grant, key, now);
    if (successor) {
      const handover = handOverReason(
        successor.workflowId,
        successor.expiresAt?.toISOString() ?? 'its own expiry (it is still being granted)',
      );
      summary.findings.push({ ...base, target: key, kind: 'overdue_handed_over', detail: `${reason}; ${handover}` });
      handedOver.push({ key, handover, workflowId: successor.workflowId });
      continue;
    }
    // A running workflow is not signalled for a protected pair (its revoke would remove it); a lost one's record is
    // closed, so the assignment is from then on the protected standing access drift.ts reports.
    const assignment = { ...base, target, targetKey: key };
    const because = grant.principalId ? leftInPlaceIfProtected(ctx, sweep, assignment, reason) : undefined;
    if (because) {
      protectedPairs.push({ key, because });
      continue;
    }
    summary.findings.push({
      ...base,
      target: key,
      kind: forced ? 'overdue_forced' : 'overdue_revoked',
      detail: reason,
    });
    removed.push(target);
  }
  const several = recordTargets(grant).length > 1;
  const on = (key: string) => (several ? ` on ${key}` : '');
  const handedText = handedOver.map(({ key, handover }) => `${handover}${on(key)}`).join('; ');
  const protectedText = protectedPairs.map(({ key, because }) => `${because}${on(key)}`).join('; ');

  if (handedOver.length > 0 && forced && removed.length === 0) {
    // A running workflow is not signalled: a revoke would remove the assignment the other lease holds. When it
    // runs again its own expiry finds the same later lease and hands over itself.
    await sweep.alert(
      `Grant ${grant.workflowId} (${grant.requester.email}) ${reason}. Its assignment stays: ${handedText}.`,
    );
  }
  if (protectedPairs.length > 0) {
    await sweep.alert(
      `Grant ${grant.workflowId} (${grant.requester.email}) ${reason}. Keycard's reconciler leaves its assignment in place: ${protectedText}.`,
    );
  }
  if (sweep.dryRun) return;

  if (removed.length === 0 && protectedPairs.length === 0) {
    await records.markHandedOverByReconciler(grant, handedText, handedOver[0].workflowId, summary.runId, now);
    summary.handedOver += 1;
    return;
  }
  if (removed.length === 0) {
    if (forced) return;
    const stays = [protectedText && `the assignment stays: ${protectedText}`, handedText].filter(Boolean).join('; ');
    await records.markRevokedByReconciler(grant, `${reason}; ${stays}`, summary.runId, now);
    return;
  }

  if (grant.principalId) {
    for (const target of removed) await identityCenter.unassign(target, grant.principalId, noProgress);
  }
  const kept = [protectedText && `left in place: ${protectedText}`, handedText].filter(Boolean).join('; ');
  await records.markRevokedByReconciler(grant, kept ? `${reason}; ${kept}` : reason, summary.runId, now);
  summary.revoked += 1;
  if (forced && handedOver.length > 0) {
    // Its workflow is not told (its revoke would remove the pairs later leases hold): its own expiry hands them over.
    await sweep.alert(
      `Grant ${grant.workflowId} (${grant.requester.email}) ${reason}. Keycard's reconciler revoked it on ${removed.map(targetKey).join(', ')}; ${handedText}.`,
    );
  }
  if (forced && handedOver.length === 0) {
    let told = 'told its workflow';
    try {
      if (!ctx.deps.signalRevoke) throw new Error('no Temporal client to send the revoke signal with');
      await ctx.deps.signalRevoke(grant.workflowId, {
        by: RECONCILER_ACTOR,
        reason: `revoked by the reconciler: ${reason}`,
      });
    } catch (error) {
      // Revoked all the same; the workflow finds the assignment gone when its own expiry comes round.
      sweep.failed({ what: `telling ${grant.workflowId} it was revoked`, ...base }, error);
      told = `could not tell its workflow (${describeError(error)})`;
    }
    await sweep.alert(
      `Grant ${grant.workflowId} (${grant.requester.email}) ${reason}. Keycard's reconciler revoked it and ${told}.`,
    );
  }
}

/**
 * The live lease that takes an overdue grant's assignment over, if any. A pending one has no expiry to end it, so
 * it counts only while its workflow runs: a request lost while being granted would otherwise keep access forever.
 */
async function liveSuccessor(ctx: Reconciling, grant: GrantRecord, pairKey: string, now: Date) {
  const successor = await ctx.deps.records.liveLeaseOn(grant, pairKey, now);
  if (!successor || successor.expiresAt) return successor;
  const state = await ctx.deps.workflowState?.(successor.workflowId).catch(() => 'UNKNOWN' as const);
  return state === 'RUNNING' ? successor : undefined;
}
