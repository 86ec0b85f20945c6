/**
 * The reconciliation backstop: what workflow code cannot see. Run by the `prod-access-reconcile` schedule (through
 * the reconcile workflow) and by `keycard reconcile` (for cron, when Temporal itself is down). Same logic, both ways.
 *
 * - Overdue grants: still active in MongoDB past expiry + grace. Workflow gone → revoke and record
 *   `revoked_by_reconciler`; workflow running (a worker is down) → alert and keep watching.
 * - Unconfirmed revocations: recorded revoked, still listed by Identity Center → revoke again and alert.
 * - Drift: a user assignment on a managed target with no live Keycard grant is standing access: reported once
 *   (report mode) or removed (enforce mode); allow-listed principals are never touched.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { targetKey, type Target } from '../domain/grant';
import type { Logger } from '../logger';
import type { IdentityCenter } from './identityCenter';
import { leaseKey, RECONCILER_ACTOR, type GrantRecord, type GrantRecords } from './records';

export type ReconcileMode = 'report' | 'enforce';

export interface ReconcileOptions {
  mode: ReconcileMode;
  /** Find and say, change nothing (no revokes, no reports, no records). */
  dryRun?: boolean;
}

export interface ReconcilePolicy {
  graceMs: number;
  /** How far back revocations are re-checked against Identity Center (a few sweep intervals). */
  lookbackMs: number;
  /** Principal ids (break-glass roles, service users) that are never reported or removed. */
  allow: string[];
  targets: Target[];
}

export type WorkflowState = 'RUNNING' | 'NOT_RUNNING' | 'UNKNOWN';

export interface Finding {
  kind: 'overdue_revoked' | 'overdue_running' | 'revoke_redone' | 'drift';
  requestId?: string;
  principalId: string;
  target: string;
  detail: string;
}

export interface ReconcileSummary {
  runId: string;
  at: string;
  mode: ReconcileMode;
  dryRun: boolean;
  checked: { overdue: number; revoked: number; assignments: number };
  revoked: number;
  alerted: number;
  driftFound: number;
  driftRemoved: number;
  findings: Finding[];
}

export interface ReconcilerDependencies {
  records: GrantRecords;
  identityCenter: IdentityCenter;
  /** Whether a grant's workflow still runs; absent (Temporal down) means UNKNOWN, and overdue grants are revoked. */
  workflowState?: (workflowId: string) => Promise<WorkflowState>;
  /** Tells a human: an error log line, and the approvers' channel when Slack is configured. */
  alert: (message: string) => Promise<void>;
  logger: Logger;
  now?: () => Date;
}

const noProgress = { onProgress: () => undefined, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

export class Reconciler {
  constructor(
    private readonly deps: ReconcilerDependencies,
    private readonly policy: ReconcilePolicy,
  ) {}

  async run(options: ReconcileOptions): Promise<ReconcileSummary> {
    const { records, identityCenter } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    const dryRun = Boolean(options.dryRun);
    const summary: ReconcileSummary = {
      runId: `reconcile-${now.toISOString()}-${randomUUID().slice(0, 8)}`,
      at: now.toISOString(),
      mode: options.mode,
      dryRun,
      checked: { overdue: 0, revoked: 0, assignments: 0 },
      revoked: 0,
      alerted: 0,
      driftFound: 0,
      driftRemoved: 0,
      findings: [],
    };
    const allowed = new Set(this.policy.allow);
    const alert = async (message: string) => {
      summary.alerted += 1;
      if (!dryRun) await this.deps.alert(message);
    };

    // Overdue grants: the workflow should have revoked these already.
    const overdue = await records.overdueGrants(new Date(now.getTime() - this.policy.graceMs));
    summary.checked.overdue = overdue.length;
    for (const grant of overdue) {
      const state = (await this.deps.workflowState?.(grant.workflowId).catch(() => 'UNKNOWN' as const)) ?? 'UNKNOWN';
      const base = { requestId: grant.requestId, principalId: grant.principalId ?? '', target: grant.targetKey };
      if (state === 'RUNNING') {
        summary.findings.push({
          ...base,
          kind: 'overdue_running',
          detail: `expired ${grant.expiresAt?.toISOString()}`,
        });
        await alert(
          `Grant ${grant.workflowId} (${grant.requester.email}) expired at ${grant.expiresAt?.toISOString()} and is not revoked yet; its workflow is still running. Is a Keycard worker down?`,
        );
        continue;
      }
      const reason = `expired at ${grant.expiresAt?.toISOString()}; its workflow is ${state === 'UNKNOWN' ? 'unreachable (Temporal down?)' : 'no longer running (terminated, failed or lost)'}`;
      summary.findings.push({ ...base, kind: 'overdue_revoked', detail: reason });
      if (dryRun) continue;
      if (grant.principalId) await identityCenter.unassign(grant.target, grant.principalId, noProgress);
      await records.markRevokedByReconciler(grant, reason, summary.runId, now);
      summary.revoked += 1;
    }

    // Revocations recorded as done: Identity Center must agree (the deadline monitor).
    const live = await records.liveLeaseKeys();
    const recentlyRevoked = await records.recentlyRevoked(new Date(now.getTime() - this.policy.lookbackMs));
    summary.checked.revoked = recentlyRevoked.length;
    for (const grant of recentlyRevoked) {
      if (!grant.principalId || live.has(leaseKey(grant.principalId, grant.targetKey))) continue;
      if (!(await identityCenter.isAssigned(grant.target, grant.principalId))) continue;
      const detail = `recorded revoked at ${grant.revokedAt?.toISOString()} but Identity Center still lists the assignment`;
      summary.findings.push({
        kind: 'revoke_redone',
        requestId: grant.requestId,
        principalId: grant.principalId,
        target: grant.targetKey,
        detail,
      });
      await alert(
        `Revoke of ${grant.workflowId} (${grant.requester.email}) did not hold: ${detail}. Keycard is revoking it again.`,
      );
      if (dryRun) continue;
      await identityCenter.unassign(grant.target, grant.principalId, noProgress);
      await this.audit(summary.runId, grant, 'revoke_redone', detail, now);
      summary.revoked += 1;
    }

    // Drift: standing access Keycard did not grant.
    for (const target of this.policy.targets) {
      const assignments = await identityCenter.listUserAssignments(target);
      summary.checked.assignments += assignments.length;
      for (const principalId of assignments) {
        const key = leaseKey(principalId, targetKey(target));
        if (allowed.has(principalId) || live.has(key)) continue;
        summary.driftFound += 1;
        const detail = `${principalId} holds ${targetKey(target)} with no live Keycard grant`;
        summary.findings.push({ kind: 'drift', principalId, target: targetKey(target), detail });
        if (dryRun) continue;
        if (await records.recordDriftFinding(key, { principalId, target: targetKey(target) }, now)) {
          await alert(
            `Standing access found: ${detail}. ${options.mode === 'enforce' ? 'Keycard removed it.' : 'Remove it, or add the principal to RECONCILE_ALLOW.'}`,
          );
          await this.auditDrift(summary.runId, 'drift_found', principalId, target, detail, now);
        }
        if (options.mode === 'enforce') {
          await identityCenter.unassign(target, principalId, noProgress);
          await records.forgetDriftFinding(key);
          await this.auditDrift(summary.runId, 'drift_removed', principalId, target, detail, now);
          summary.driftRemoved += 1;
        }
      }
    }

    if (!dryRun) {
      await records.appendAuditEvent({
        _id: summary.runId,
        requestId: 'reconciler',
        workflowId: 'prod-access-reconcile',
        seq: 0,
        type: 'reconcile_summary',
        at: now,
        actor: RECONCILER_ACTOR,
        details: { ...summary, findings: summary.findings.length },
      });
    }
    this.deps.logger.info({ ...summary, findings: summary.findings.length }, 'reconcile run finished');
    return summary;
  }

  private async audit(runId: string, grant: GrantRecord, type: 'revoke_redone', reason: string, at: Date) {
    await this.deps.records.appendAuditEvent({
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

  private async auditDrift(
    runId: string,
    type: 'drift_found' | 'drift_removed',
    principalId: string,
    target: Target,
    reason: string,
    at: Date,
  ) {
    await this.deps.records.appendAuditEvent({
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
}

/** Whether a summary means a human should look (exit code 1 of `keycard reconcile`). */
export function actedOrFound(summary: ReconcileSummary): boolean {
  return summary.findings.length > 0;
}

/** Whether a grant's workflow runs, as Temporal says; any trouble reaching Temporal is UNKNOWN. */
export function workflowStateFrom(client: Client): (workflowId: string) => Promise<WorkflowState> {
  return async (workflowId) => {
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      return description.status.name === 'RUNNING' ? 'RUNNING' : 'NOT_RUNNING';
    } catch (error) {
      return error instanceof WorkflowNotFoundError ? 'NOT_RUNNING' : 'UNKNOWN';
    }
  };
}

/** The reconcile policy from the configuration: the managed target, grace, look-back, allow-list. */
export function reconcilePolicy(config: Config): ReconcilePolicy {
  return {
    graceMs: config.RECONCILE_GRACE,
    lookbackMs: 3 * config.RECONCILE_INTERVAL + config.RECONCILE_GRACE,
    allow: config.RECONCILE_ALLOW,
    targets: [{ accountId: config.TARGET_ACCOUNT_ID, permissionSetArn: config.PERMISSION_SET_ARN }],
  };
}
