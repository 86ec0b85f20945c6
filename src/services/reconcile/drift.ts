/**
 * Drift: a user assignment on a managed target with no live Keycard grant is standing access: reported once, and in
 * enforce mode removed once it has been seen for RECONCILE_GRACE (a grant in flight is never removed). Allow-listed
 * principals never get here; a protected assignment (PROTECTED_PRINCIPALS) is never removed: it is reported as
 * `protected` at every sweep, and alerted and audited once.
 */
import { formatDuration } from '../../domain/duration';
import { targetKey, type Target } from '../../domain/grant';
import { leaseKey, RECONCILER_ACTOR } from '../records';
import { leftInPlaceIfProtected, noProgress, type Reconciling, type Sweep } from './sweep';

export async function drift(ctx: Reconciling, sweep: Sweep, target: Target, principalId: string): Promise<void> {
  const { records, identityCenter } = ctx.deps;
  const { summary, now } = sweep;
  const key = targetKey(target);
  const lease = leaseKey(principalId, key);
  const detail = `${principalId} holds ${key} with no live Keycard grant`;
  const protectedBy = leftInPlaceIfProtected(ctx, sweep, { principalId, target, targetKey: key }, detail);
  if (protectedBy) {
    if (sweep.dryRun) return;
    const seen = await records.recordDriftFinding(lease, { principalId, target: key, protected: true }, now);
    if (!seen.firstSight) return;
    await sweep.alert(
      `Standing access of a protected assignment: ${detail}. Keycard leaves it in place (${protectedBy}) and reports it at every sweep.`,
    );
    await auditDrift(
      ctx,
      summary.runId,
      'drift_found',
      principalId,
      target,
      `${detail}; protected, left in place`,
      now,
    );
    return;
  }
  summary.driftFound += 1;
  summary.findings.push({ kind: 'drift', principalId, target: key, detail });
  if (sweep.dryRun) return;
  const finding = await records.recordDriftFinding(lease, { principalId, target: key }, now);
  const grace = formatDuration(ctx.policy.graceMs);
  if (finding.firstSight) {
    await sweep.alert(
      `Standing access found: ${detail}. ${sweep.mode === 'enforce' ? `Keycard removes it if it is still there at a sweep ${grace} or more from now.` : 'Remove it, or add the principal to RECONCILE_ALLOW.'}`,
    );
    await auditDrift(ctx, summary.runId, 'drift_found', principalId, target, detail, now);
  }
  // Enforce mode never removes a grant in flight: its record may not have landed yet, so only a finding seen at an
  // earlier sweep, at least RECONCILE_GRACE ago, is removed, and only if no live lease has appeared since.
  const seenForMs = now.getTime() - finding.firstSeenAt.getTime();
  if (sweep.mode !== 'enforce' || finding.firstSight || seenForMs < ctx.policy.graceMs) return;
  if (await records.holdsLiveLease(principalId, key)) return;
  await identityCenter.unassign(target, principalId, noProgress);
  await records.forgetDriftFinding(lease);
  await auditDrift(ctx, summary.runId, 'drift_removed', principalId, target, detail, now);
  summary.driftRemoved += 1;
  await sweep.alert(
    `Standing access removed: ${detail}, first seen ${finding.firstSeenAt.toISOString()}. Keycard removed it (enforce mode).`,
  );
}

async function auditDrift(
  ctx: Reconciling,
  runId: string,
  type: 'drift_found' | 'drift_removed',
  principalId: string,
  target: Target,
  reason: string,
  at: Date,
) {
  await ctx.deps.records.appendAuditEvent({
    _id: `${runId}:${principalId}:${type}`,
    requestId: 'reconciler',
    workflowId: 'prod-access-reconcile',
    seq: 0,
    type,
    at,
    actor: RECONCILER_ACTOR,
    reason,
    details: { principalId, target: targetKey(target) },
  });
}
