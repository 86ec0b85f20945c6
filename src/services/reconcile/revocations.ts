/**
 * Unconfirmed revocations: recorded revoked, still listed by Identity Center → revoke again, mark and alert; a
 * protected assignment is left in place and reported.
 */
import { leaseKey, RECONCILER_ACTOR, type GrantRecord } from '../records';
import { leftInPlaceIfProtected, noProgress, type Reconciling, type Sweep } from './sweep';

/** Revocations recorded as done: Identity Center must agree (the deadline monitor). */
export async function revocations(ctx: Reconciling, sweep: Sweep, live: Set<string>): Promise<void> {
  const { records, identityCenter } = ctx.deps;
  const { summary, now } = sweep;
  let recentlyRevoked: GrantRecord[] = [];
  await sweep.attempt({ what: 'reading the recent revocations' }, async () => {
    recentlyRevoked = await records.recentlyRevoked(new Date(now.getTime() - ctx.policy.lookbackMs));
  });
  summary.checked.revoked = recentlyRevoked.length;
  for (const grant of recentlyRevoked) {
    if (!grant.principalId || live.has(leaseKey(grant.principalId, grant.targetKey))) continue;
    const principalId = grant.principalId;
    const item = {
      what: `checking the revocation of ${grant.workflowId}`,
      requestId: grant.requestId,
      principalId,
      target: grant.targetKey,
    };
    await sweep.attempt(item, async () => {
      if (!(await identityCenter.isAssigned(grant.target, principalId))) return;
      const detail = `recorded revoked at ${grant.revokedAt?.toISOString()} but Identity Center still lists the assignment`;
      // A protected assignment stays; the finding says so, and its standing access is alerted once (drift.ts).
      const assignment = { principalId, target: grant.target, targetKey: grant.targetKey, requestId: grant.requestId };
      if (leftInPlaceIfProtected(ctx, sweep, assignment, detail)) return;
      summary.findings.push({ ...item, kind: 'revoke_redone', detail });
      await sweep.alert(
        `Revoke of ${grant.workflowId} (${grant.requester.email}) did not hold: ${detail}. Keycard is revoking it again.`,
      );
      if (sweep.dryRun) return;
      await identityCenter.unassign(grant.target, principalId, noProgress);
      summary.revoked += 1;
      await audit(ctx, summary.runId, grant, 'revoke_redone', detail, now);
      // The alert above is this finding's one alert; the record and the trail keep the mark.
      await records.markChangedOutsideKeycard(grant, detail, summary.runId, now);
    });
  }
}

async function audit(
  ctx: Reconciling,
  runId: string,
  grant: GrantRecord,
  type: 'revoke_redone',
  reason: string,
  at: Date,
) {
  await ctx.deps.records.appendAuditEvent({
    _id: `${runId}:${grant.requestId}:${type}`,
    requestId: grant.requestId,
    workflowId: grant.workflowId,
    seq: grant.version + 1,
    type,
    at,
    actor: RECONCILER_ACTOR,
    reason,
  });
}
