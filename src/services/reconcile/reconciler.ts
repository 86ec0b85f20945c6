/**
 * The reconciliation backstop: what workflow code cannot see. Run by the `prod-access-reconcile` schedule (through
 * the reconcile workflow) and by `keycard reconcile` (for cron, when Temporal itself is down). Same logic, both ways.
 * One sweep checks, in order: overdue grants (overdueGrants.ts), unconfirmed revocations (revocations.ts), and each
 * managed target's listing for drift and for changes made outside Keycard (targetAssignments.ts, drift.ts).
 *
 * One item that fails (an unreachable workflow, a refused deletion, a bad record) is counted, logged, alerted and
 * skipped: the rest of the sweep still runs.
 */
import { targetKey } from '../../domain/grant';
import { RECONCILER_ACTOR } from '../records';
import { overdueGrants } from './overdueGrants';
import { revocations } from './revocations';
import { startSweep, type Reconciling } from './sweep';
import { targetAssignments } from './targetAssignments';
import type { ReconcileOptions, ReconcilePolicy, ReconcileSummary, ReconcilerDependencies } from './types';

export class Reconciler {
  private readonly reconciling: Reconciling;

  constructor(deps: ReconcilerDependencies, policy: ReconcilePolicy) {
    this.reconciling = { deps, policy, clock: () => deps.now?.() ?? new Date() };
  }

  async run(options: ReconcileOptions): Promise<ReconcileSummary> {
    const ctx = this.reconciling;
    const { records, logger } = ctx.deps;
    const now = ctx.clock();
    const sweep = startSweep(ctx.deps, options, now);
    const { summary } = sweep;

    await overdueGrants(ctx, sweep);
    let live: Set<string> | undefined;
    await sweep.attempt({ what: 'reading the live leases' }, async () => {
      live = await records.liveLeaseKeys();
    });
    // Without the live leases every assignment would look like drift: those checks wait for the next sweep.
    if (live) {
      await revocations(ctx, sweep, live);
      for (const target of ctx.policy.targets) {
        await sweep.attempt({ what: `checking ${targetKey(target)}`, target: targetKey(target) }, () =>
          targetAssignments(ctx, sweep, target, live as Set<string>),
        );
      }
    }

    if (!sweep.dryRun) {
      await sweep.attempt({ what: 'writing the sweep summary to the audit trail' }, () =>
        records.appendAuditEvent({
          _id: summary.runId,
          requestId: 'reconciler',
          workflowId: 'prod-access-reconcile',
          seq: 0,
          type: 'reconcile_summary',
          at: now,
          actor: RECONCILER_ACTOR,
          details: { ...summary, findings: summary.findings.length },
        }),
      );
    }
    logger[summary.errors > 0 ? 'error' : 'info'](
      { ...summary, findings: summary.findings.length },
      'reconcile run finished',
    );
    return summary;
  }
}
