/**
 * Unconfirmed revocations: recorded revoked, still listed by Identity Center → revoke again, mark and alert; a
 * protected assignment is left in place and reported. Each (account, permission set) of the grant is checked.
 */
import { targetKey } from '../../domain/grant';
import { leaseKey, RECONCILER_ACTOR, recordTargets, type GrantRecord } from '../records';
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
    if (!grant.principalId) continue;
    const principalId = grant.principalId;
    const pairs = recordTargets(grant);
    for (const target of pairs) {
      const key = targetKey(target);
      // Held by a live lease (a handover, a new grant): the assignment is that lease's now.
      if (live.has(leaseKey(principalId, key))) continue;
      const item = {
        what: `checking the revocation of ${grant.workflowId}${pairs.length > 1 ? ` on ${key}` : ''}`,
        requestId: grant.requestId,
        principalId,
        target: key,
      };
      await sweep.attempt(item, async () => {
        if (!(await identityCenter.isAssigned(target, principalId))) return;
        const detail = `recorded revoked at ${grant.revokedAt?.toISOString()} but Identity Center still lists the assignment${pairs.length > 1 ? ` on ${key}` : ''}`;
        // A protected assignment stays; the finding says so, and its standing access is alerted once (drift.ts).
        const assignment = { principalId, target, targetKey: key, requestId: grant.requestId };
        if (leftInPlaceIfProtected(ctx, sweep, assignment, detail)) return;
        summary.findings.push({ ...item, kind: 'revoke_redone', detail });
        await sweep.alert(
          `Revoke of ${grant.workflowId} (${grant.requester.email}) did not hold: ${detail}. Keycard is revoking it again.`,
        );
        if (sweep.dryRun) return;
        await identityCenter.unassign(target, principalId, noProgress);
        summary.revoked += 1;
        // One event per pair: the first keeps the id it always had, so a retried sweep of an older grant matches.
        const eventId = `${summary.runId}:${grant.requestId}:revoke_redone${target === pairs[0] ? '' : `:${target.accountId}`}`;
        await audit(ctx, eventId, grant, 'revoke_redone', detail, now);
        // The alert above is this finding's one alert; the record and the trail keep the mark (the first one).
        await records.markChangedOutsideKeycard(grant, detail, summary.runId, now);
      });
    }
  }
}

async function audit(
  ctx: Reconciling,
  eventId: string,
  grant: GrantRecord,
  type: 'revoke_redone',
  reason: string,
  at: Date,
) {
  await ctx.deps.records.appendAuditEvent({
    _id: eventId,
    requestId: grant.requestId,
    workflowId: grant.workflowId,
    seq: grant.version + 1,
    type,
    at,
    actor: RECONCILER_ACTOR,
    reason,
  });
}
