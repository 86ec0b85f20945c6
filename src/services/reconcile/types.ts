/** The reconciler's vocabulary: modes, policy, findings, the summary of a sweep, and the ports it is given. */
import type { Revocation, Target } from '../../domain/grant';
import type { Protection } from '../../domain/protection';
import type { Logger } from '../../logger';
import type { IdentityCenter } from '../identityCenter';
import type { GrantRecords } from '../records';

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
  /**
   * Assignments never removed (PROTECTED_PRINCIPALS, KEYCARD_PERMISSION_SET_ARN): where the sweep would remove one,
   * it leaves it in place and reports it as a `protected` finding. None when absent.
   */
  protection?: Protection;
  targets: Target[];
}

export type WorkflowState = 'RUNNING' | 'NOT_RUNNING' | 'UNKNOWN';

/** What the reconciler asks Temporal: whether a grant's workflow still runs (any trouble reaching it is UNKNOWN). */
export type WorkflowStates = (workflowId: string) => Promise<WorkflowState>;

/** Tells a still-running workflow that its grant was revoked (the `revoke` signal). */
export type SignalRevoke = (workflowId: string, revocation: Revocation) => Promise<void>;

export interface Finding {
  kind:
    | 'overdue_revoked'
    | 'overdue_forced'
    | 'overdue_handed_over'
    | 'overdue_running'
    | 'revoke_redone'
    | 'drift'
    | 'changed_outside_keycard'
    | 'protected'
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
  /** Assignments the sweep would have removed and left in place because they are protected (`protected` findings). */
  protected: number;
  /** Items that failed and were skipped (each one is also an `error` finding and an alert). */
  errors: number;
  findings: Finding[];
}

export interface ReconcilerDependencies {
  records: GrantRecords;
  identityCenter: IdentityCenter;
  /** Whether a grant's workflow still runs; absent (Temporal down) means UNKNOWN, and overdue grants are revoked. */
  workflowState?: WorkflowStates;
  /** Tells a still-running workflow that the reconciler revoked its grant (the `revoke` signal). */
  signalRevoke?: SignalRevoke;
  /** Tells a human: an error log line, and the approvers' channel when Slack is configured. */
  alert: (message: string) => Promise<void>;
  logger: Logger;
  now?: () => Date;
}

/**
 * Whether a summary means a human should look (exit code 1 of `keycard reconcile`). A protected assignment left in
 * place is reported, and alerted when first seen, but is what the operator declared: alone it does not count.
 */
export function actedOrFound(summary: ReconcileSummary): boolean {
  return summary.findings.some((finding) => finding.kind !== 'protected');
}

/** Whether an item of the sweep failed (exit code 2 of `keycard reconcile`). */
export function hadErrors(summary: ReconcileSummary): boolean {
  return summary.errors > 0;
}
