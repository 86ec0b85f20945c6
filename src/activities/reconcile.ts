/**
 * The reconciliation backstop: what workflow code cannot see. Run by the `prod-access-reconcile` schedule (through
 * the reconcile workflow) and by `keycard reconcile` (for cron, when Temporal itself is down). Same logic, both ways.
 *
 * - Overdue grants: still active in MongoDB past expiry + grace. Workflow gone → revoke and record
 *   `revoked_by_reconciler`; workflow running (a worker is down) → alert and keep watching, until the grant is
 *   RECONCILE_OVERDUE_REVOKE past its expiry: then revoke it anyway and tell the workflow (the `revoke` signal).
 *   Before removing an assignment, another live lease of the same person on the same target takes it over instead.
 * - Unconfirmed revocations: recorded revoked, still listed by Identity Center → revoke again, mark and alert.
 * - Drift: a user assignment on a managed target with no live Keycard grant is standing access: reported once, and
 *   in enforce mode removed once it has been seen for RECONCILE_GRACE (a grant in flight is never removed);
 *   allow-listed principals are never touched.
 * - Changed outside Keycard: an active grant whose assignment the same listing no longer shows is marked and alerted.
 *
 * One item that fails (an unreachable workflow, a refused deletion, a bad record) is counted, logged, alerted and
 * skipped: the rest of the sweep still runs.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { formatDuration } from '../domain/duration';
import { targetKey, type Revocation, type Target } from '../domain/grant';
import type { Logger } from '../logger';
import { revokeSignal } from '../workflows/definitions';
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
  /**
   * How long past its expiry a grant may stay in place while its workflow runs before the sweep revokes it itself
   * (RECONCILE_OVERDUE_REVOKE; 10 minutes when absent).
   */
  overdueRevokeMs?: number;
  /** Principal ids (break-glass roles, service users) that are never reported or removed. */
  allow: string[];
  targets: Target[];
}

export type WorkflowState = 'RUNNING' | 'NOT_RUNNING' | 'UNKNOWN';

export interface Finding {
  kind:
    | 'overdue_revoked'
    | 'overdue_forced'
    | 'overdue_handed_over'
    | 'overdue_running'
    | 'revoke_redone'
    | 'drift'
    | 'changed_outside_keycard'
    | 'error';
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
  checked: { overdue: number; revoked: number; assignments: number; active: number };
  revoked: number;
  handedOver: number;
  alerted: number;
  driftFound: number;
  driftRemoved: number;
  changedOutsideKeycard: number;
  /** Items that failed and were skipped (each one is also an `error` finding and an alert). */
  errors: number;
  findings: Finding[];
}

export interface ReconcilerDependencies {
  records: GrantRecords;
  identityCenter: IdentityCenter;
  /** Whether a grant's workflow still runs; absent (Temporal down) means UNKNOWN, and overdue grants are revoked. */
  workflowState?: (workflowId: string) => Promise<WorkflowState>;
  /** Tells a still-running workflow that the reconciler revoked its grant (the `revoke` signal). */
  signalRevoke?: (workflowId: string, revocation: Revocation) => Promise<void>;
  /** Tells a human: an error log line, and the approvers' channel when Slack is configured. */
  alert: (message: string) => Promise<void>;
  logger: Logger;
  now?: () => Date;
}

/** What one sweep is working on: its summary, its time, and how it tells people. */
interface Sweep {
  summary: ReconcileSummary;
  now: Date;
  dryRun: boolean;
  mode: ReconcileMode;
  alert(message: string): Promise<void>;
  /** Counts and logs a failure of one item (no alert: the caller says it in its own). */
  failed(item: ItemInSweep, error: unknown): void;
  /** Runs one item; a failure is counted, logged, alerted and skipped. */
  attempt(item: ItemInSweep, work: () => Promise<void>): Promise<void>;
}

interface ItemInSweep {
  /** What was being done, for the finding and the alert: "overdue grant prod-access-…". */
  what: string;
  requestId?: string;
  principalId?: string;
  target?: string;
}

const DEFAULT_OVERDUE_REVOKE_MS = 10 * 60_000;

const noProgress = { onProgress: () => undefined, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

export class Reconciler {
  constructor(
    private readonly deps: ReconcilerDependencies,
    private readonly policy: ReconcilePolicy,
  ) {}

  private get overdueRevokeMs(): number {
    return this.policy.overdueRevokeMs ?? DEFAULT_OVERDUE_REVOKE_MS;
  }

  private clock(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async run(options: ReconcileOptions): Promise<ReconcileSummary> {
    const { records, logger } = this.deps;
    const now = this.clock();
    const dryRun = Boolean(options.dryRun);
    const summary: ReconcileSummary = {
      runId: `reconcile-${now.toISOString()}-${randomUUID().slice(0, 8)}`,
      at: now.toISOString(),
      mode: options.mode,
      dryRun,
      checked: { overdue: 0, revoked: 0, assignments: 0, active: 0 },
      revoked: 0,
      handedOver: 0,
      alerted: 0,
      driftFound: 0,
      driftRemoved: 0,
      changedOutsideKeycard: 0,
      errors: 0,
      findings: [],
    };
    const counted = (item: ItemInSweep, detail: string) => {
      summary.errors += 1;
      summary.findings.push({
        kind: 'error',
        principalId: item.principalId ?? '',
        target: item.target ?? '',
        detail,
        ...(item.requestId ? { requestId: item.requestId } : {}),
      });
    };
    const alert = async (message: string) => {
      summary.alerted += 1;
      if (dryRun) return;
      try {
        await this.deps.alert(message);
      } catch (error) {
        // Not sent is not the end of the sweep; the log line and the summary still say it.
        counted({ what: 'an alert' }, `could not send an alert (${describeError(error)}): ${message}`);
        logger.error({ err: error, alert: message }, 'reconcile could not send an alert');
      }
    };
    const failed = (item: ItemInSweep, error: unknown) => {
      counted(item, `${item.what}: ${describeError(error)}`);
      logger.error({ err: error, ...item, runId: summary.runId }, 'reconcile item failed; skipped this run');
    };
    const sweep: Sweep = {
      summary,
      now,
      dryRun,
      mode: options.mode,
      alert,
      failed,
      attempt: async (item, work) => {
        try {
          await work();
        } catch (error) {
          failed(item, error);
          await alert(
            `Reconcile could not finish ${item.what}: ${describeError(error)}. It was skipped; the next sweep tries again.`,
          );
        }
      },
    };

    await this.overdueGrants(sweep);
    let live: Set<string> | undefined;
    await sweep.attempt({ what: 'reading the live leases' }, async () => {
      live = await records.liveLeaseKeys();
    });
    // Without the live leases every assignment would look like drift: those checks wait for the next sweep.
    if (live) {
      await this.revocations(sweep, live);
      for (const target of this.policy.targets) {
        await sweep.attempt({ what: `checking ${targetKey(target)}`, target: targetKey(target) }, () =>
          this.targetAssignments(sweep, target, live as Set<string>),
        );
      }
    }

    if (!dryRun) {
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

  /** Overdue grants: the workflow should have revoked these already. */
  private async overdueGrants(sweep: Sweep): Promise<void> {
    let overdue: GrantRecord[] = [];
    await sweep.attempt({ what: 'reading the overdue grants' }, async () => {
      overdue = await this.deps.records.overdueGrants(new Date(sweep.now.getTime() - this.policy.graceMs));
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
        () => this.overdueGrant(sweep, grant),
      );
    }
  }

  private async overdueGrant(sweep: Sweep, grant: GrantRecord): Promise<void> {
    const { records, identityCenter } = this.deps;
    const { summary, now } = sweep;
    const state = (await this.deps.workflowState?.(grant.workflowId).catch(() => 'UNKNOWN' as const)) ?? 'UNKNOWN';
    const base = { requestId: grant.requestId, principalId: grant.principalId ?? '', target: grant.targetKey };
    const expiredAt = grant.expiresAt?.toISOString();
    const lateMs = now.getTime() - (grant.expiresAt?.getTime() ?? now.getTime());
    const forced = state === 'RUNNING' && lateMs >= this.overdueRevokeMs;
    if (state === 'RUNNING' && !forced) {
      summary.findings.push({ ...base, kind: 'overdue_running', detail: `expired ${expiredAt}` });
      await sweep.alert(
        `Grant ${grant.workflowId} (${grant.requester.email}) expired at ${expiredAt} and is not revoked yet; its workflow is still running. Is a Keycard worker down? The reconciler revokes it itself ${formatDuration(this.overdueRevokeMs)} after its expiry.`,
      );
      return;
    }
    const reason = forced
      ? `expired at ${expiredAt}; still in place ${formatDuration(roundedToSeconds(lateMs))} later, past RECONCILE_OVERDUE_REVOKE (${formatDuration(this.overdueRevokeMs)}), while its workflow is still running (is every Keycard worker down?)`
      : `expired at ${expiredAt}; its workflow is ${state === 'UNKNOWN' ? 'unreachable (Temporal down?)' : 'no longer running (terminated, failed or lost)'}`;

    // Grants are leases: another live lease on the same assignment keeps it, exactly as the workflow hands over.
    const successor = await this.liveSuccessor(grant, now);
    if (successor) {
      const handover = `expired; access continues under ${successor.workflowId} until ${successor.expiresAt?.toISOString() ?? 'its own expiry (it is still being granted)'}`;
      summary.findings.push({ ...base, kind: 'overdue_handed_over', detail: `${reason}; ${handover}` });
      if (sweep.dryRun) return;
      await records.markHandedOverByReconciler(grant, handover, successor.workflowId, summary.runId, now);
      summary.handedOver += 1;
      // A running workflow is not signalled: a revoke would remove the assignment the other lease holds. When it
      // runs again its own expiry finds the same later lease and hands over itself.
      if (forced) {
        await sweep.alert(
          `Grant ${grant.workflowId} (${grant.requester.email}) ${reason}. Its assignment stays: ${handover}.`,
        );
      }
      return;
    }

    summary.findings.push({ ...base, kind: forced ? 'overdue_forced' : 'overdue_revoked', detail: reason });
    if (sweep.dryRun) return;
    if (grant.principalId) await identityCenter.unassign(grant.target, grant.principalId, noProgress);
    await records.markRevokedByReconciler(grant, reason, summary.runId, now);
    summary.revoked += 1;
    if (forced) {
      let told = 'told its workflow';
      try {
        if (!this.deps.signalRevoke) throw new Error('no Temporal client to send the revoke signal with');
        await this.deps.signalRevoke(grant.workflowId, {
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
  private async liveSuccessor(grant: GrantRecord, now: Date) {
    const successor = await this.deps.records.liveLeaseOn(grant, now);
    if (!successor || successor.expiresAt) return successor;
    const state = await this.deps.workflowState?.(successor.workflowId).catch(() => 'UNKNOWN' as const);
    return state === 'RUNNING' ? successor : undefined;
  }

  /** Revocations recorded as done: Identity Center must agree (the deadline monitor). */
  private async revocations(sweep: Sweep, live: Set<string>): Promise<void> {
    const { records, identityCenter } = this.deps;
    const { summary, now } = sweep;
    let recentlyRevoked: GrantRecord[] = [];
    await sweep.attempt({ what: 'reading the recent revocations' }, async () => {
      recentlyRevoked = await records.recentlyRevoked(new Date(now.getTime() - this.policy.lookbackMs));
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
        summary.findings.push({ ...item, kind: 'revoke_redone', detail });
        await sweep.alert(
          `Revoke of ${grant.workflowId} (${grant.requester.email}) did not hold: ${detail}. Keycard is revoking it again.`,
        );
        if (sweep.dryRun) return;
        await identityCenter.unassign(grant.target, principalId, noProgress);
        summary.revoked += 1;
        await this.audit(summary.runId, grant, 'revoke_redone', detail, now);
        // The alert above is this finding's one alert; the record and the trail keep the mark.
        await records.markChangedOutsideKeycard(grant, detail, summary.runId, now);
      });
    }
  }

  /**
   * One listing of a managed target answers two questions: which assignments are standing access (drift), and which
   * active grants lost their assignment outside Keycard.
   */
  private async targetAssignments(sweep: Sweep, target: Target, live: Set<string>): Promise<void> {
    const { records, identityCenter } = this.deps;
    const { summary, now } = sweep;
    const key = targetKey(target);
    // Read before the listing: a grant recorded active by then was confirmed by Identity Center before it listed.
    const active = await records.activeGrantsOn(key, now);
    const assignments = await identityCenter.listUserAssignments(target);
    summary.checked.assignments += assignments.length;
    summary.checked.active += active.length;
    const allowed = new Set(this.policy.allow);

    const standing = new Set<string>();
    for (const principalId of assignments) {
      const lease = leaseKey(principalId, key);
      if (allowed.has(principalId) || live.has(lease)) continue;
      standing.add(lease);
      await sweep.attempt({ what: `standing access of ${principalId} on ${key}`, principalId, target: key }, () =>
        this.drift(sweep, target, principalId),
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
        () => this.assignmentGone(sweep, grant),
      );
    }
  }

  private async drift(sweep: Sweep, target: Target, principalId: string): Promise<void> {
    const { records, identityCenter } = this.deps;
    const { summary, now } = sweep;
    const key = targetKey(target);
    const lease = leaseKey(principalId, key);
    summary.driftFound += 1;
    const detail = `${principalId} holds ${key} with no live Keycard grant`;
    summary.findings.push({ kind: 'drift', principalId, target: key, detail });
    if (sweep.dryRun) return;
    const finding = await records.recordDriftFinding(lease, { principalId, target: key }, now);
    const grace = formatDuration(this.policy.graceMs);
    if (finding.firstSight) {
      await sweep.alert(
        `Standing access found: ${detail}. ${sweep.mode === 'enforce' ? `Keycard removes it if it is still there at a sweep ${grace} or more from now.` : 'Remove it, or add the principal to RECONCILE_ALLOW.'}`,
      );
      await this.auditDrift(summary.runId, 'drift_found', principalId, target, detail, now);
    }
    // Enforce mode never removes a grant in flight: its record may not have landed yet, so only a finding seen at an
    // earlier sweep, at least RECONCILE_GRACE ago, is removed, and only if no live lease has appeared since.
    const seenForMs = now.getTime() - finding.firstSeenAt.getTime();
    if (sweep.mode !== 'enforce' || finding.firstSight || seenForMs < this.policy.graceMs) return;
    if (await records.holdsLiveLease(principalId, key)) return;
    await identityCenter.unassign(target, principalId, noProgress);
    await records.forgetDriftFinding(lease);
    await this.auditDrift(summary.runId, 'drift_removed', principalId, target, detail, now);
    summary.driftRemoved += 1;
    await sweep.alert(
      `Standing access removed: ${detail}, first seen ${finding.firstSeenAt.toISOString()}. Keycard removed it (enforce mode).`,
    );
  }

  /** An active grant whose assignment Identity Center no longer lists: removed outside Keycard. */
  private async assignmentGone(sweep: Sweep, grant: GrantRecord): Promise<void> {
    const { summary, now } = sweep;
    // The workflow may have ended the grant while the listing ran: only a record that has not moved counts.
    const current = await this.deps.records.grant(grant.requestId);
    if (
      !current ||
      current.state !== 'active' ||
      current.version !== grant.version ||
      current.changedOutsideKeycard ||
      !current.expiresAt ||
      current.expiresAt <= this.clock()
    ) {
      return;
    }
    const detail = `Identity Center no longer lists the assignment of ${grant.principalId} on ${grant.targetKey}, although the grant is active until ${current.expiresAt.toISOString()}: it was removed outside Keycard`;
    summary.findings.push({
      kind: 'changed_outside_keycard',
      requestId: grant.requestId,
      principalId: grant.principalId ?? '',
      target: grant.targetKey,
      detail,
    });
    summary.changedOutsideKeycard += 1;
    if (sweep.dryRun) return;
    if (await this.deps.records.markChangedOutsideKeycard(current, detail, summary.runId, now)) {
      await sweep.alert(
        `Grant ${grant.workflowId} (${grant.requester.email}) was changed outside Keycard: ${detail}. Keycard still revokes it at its expiry; ask who removed it.`,
      );
    }
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

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function roundedToSeconds(ms: number): number {
  return Math.max(1_000, Math.round(ms / 1_000) * 1_000);
}

/** Whether a summary means a human should look (exit code 1 of `keycard reconcile`). */
export function actedOrFound(summary: ReconcileSummary): boolean {
  return summary.findings.length > 0;
}

/** Whether an item of the sweep failed (exit code 2 of `keycard reconcile`). */
export function hadErrors(summary: ReconcileSummary): boolean {
  return summary.errors > 0;
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

/** Sends a grant's workflow the `revoke` signal, as an operator would. */
export function signalRevokeFrom(client: Client): (workflowId: string, revocation: Revocation) => Promise<void> {
  return async (workflowId, revocation) => {
    await client.workflow.getHandle(workflowId).signal(revokeSignal, revocation);
  };
}

/** The reconcile policy from the configuration: the managed target, grace, look-back, allow-list. */
export function reconcilePolicy(config: Config): ReconcilePolicy {
  return {
    graceMs: config.RECONCILE_GRACE,
    lookbackMs: 3 * config.RECONCILE_INTERVAL + config.RECONCILE_GRACE,
    overdueRevokeMs: config.RECONCILE_OVERDUE_REVOKE,
    allow: config.RECONCILE_ALLOW,
    targets: [{ accountId: config.TARGET_ACCOUNT_ID, permissionSetArn: config.PERMISSION_SET_ARN }],
  };
}
