/**
 * A managed (account, permission set)'s assignments against the live grants covering it (a catalog target's grant
 * covers one in each of its accounts): standing access goes to drift.ts; an active grant whose assignment is gone
 * was changed outside Keycard, and is marked and alerted here.
 */
import { targetKey, type Target } from '../../domain/grant';
import { leaseKey, type GrantRecord } from '../records';
import { drift } from './drift';
import type { Reconciling, Sweep } from './sweep';

/**
 * One listing of a managed target answers two questions: which assignments are standing access (drift), and which
 * active grants lost their assignment outside Keycard.
 */
export async function targetAssignments(
  ctx: Reconciling,
  sweep: Sweep,
  target: Target,
  live: Set<string>,
): Promise<void> {
  const { records, identityCenter } = ctx.deps;
  const { summary, now } = sweep;
  const key = targetKey(target);
  // Read before the listing: a grant recorded active by then was confirmed by Identity Center before it listed.
  const active = await records.activeGrantsOn(key, now);
  const assignments = await identityCenter.listUserAssignments(target);
  summary.checked.assignments += assignments.length;
  summary.checked.active += active.length;
  const allowed = new Set(ctx.policy.allow);

  const standing = new Set<string>();
  for (const principalId of assignments) {
    const lease = leaseKey(principalId, key);
    if (allowed.has(principalId) || live.has(lease)) continue;
    standing.add(lease);
    await sweep.attempt({ what: `standing access of ${principalId} on ${key}`, principalId, target: key }, () =>
      drift(ctx, sweep, target, principalId),
    );
  }
  if (!sweep.dryRun) await records.forgetDriftFindingsExcept(key, standing);

  const listed = new Set(assignments);
  for (const grant of active) {
    if (!grant.principalId || listed.has(grant.principalId) || grant.changedOutsideKeycard) continue;
    await sweep.attempt(
      {
        what: `checking the assignment of ${grant.workflowId}`,
        requestId: grant.requestId,
        principalId: grant.principalId,
        target: key,
      },
      () => assignmentGone(ctx, sweep, grant, key),
    );
  }
}

/** An active grant whose assignment Identity Center no longer lists: removed outside Keycard. */
async function assignmentGone(ctx: Reconciling, sweep: Sweep, grant: GrantRecord, pairKey: string): Promise<void> {
  const { summary, now } = sweep;
  // The workflow may have ended the grant while the listing ran: only a record that has not moved counts.
  const current = await ctx.deps.records.grant(grant.requestId);
  if (
    !current ||
    current.state !== 'active' ||
    current.version !== grant.version ||
    current.changedOutsideKeycard ||
    !current.expiresAt ||
    current.expiresAt <= ctx.clock()
  ) {
    return;
  }
  const detail = `Identity Center no longer lists the assignment of ${grant.principalId} on ${pairKey}, although the grant is active until ${current.expiresAt.toISOString()}: it was removed outside Keycard`;
  summary.findings.push({
    kind: 'changed_outside_keycard',
    requestId: grant.requestId,
    principalId: grant.principalId ?? '',
    target: pairKey,
    detail,
  });
  summary.changedOutsideKeycard += 1;
  if (sweep.dryRun) return;
  if (await ctx.deps.records.markChangedOutsideKeycard(current, detail, summary.runId, now)) {
    await sweep.alert(
      `Grant ${grant.workflowId} (${grant.requester.email}) was changed outside Keycard: ${detail}. Keycard still revokes it at its expiry; ask who removed it.`,
    );
  }
}
