/**
 * One sweep in progress: its summary, its moment, and how it tells people. An item that fails is counted, logged,
 * alerted and skipped, so the rest of the sweep still runs.
 */
import { randomUUID } from 'node:crypto';
import type { Target } from '../../domain/grant';
import { NO_PROTECTION, protectedBecause } from '../../domain/protection';
import type { ReconcileOptions, ReconcilePolicy, ReconcileSummary, ReconcilerDependencies } from './types';

/** What every step of a sweep works with: the reconciler's ports, its policy and its clock. */
export interface Reconciling {
  deps: ReconcilerDependencies;
  policy: ReconcilePolicy;
  clock(): Date;
}

export interface Sweep {
  summary: ReconcileSummary;
  now: Date;
  dryRun: boolean;
  mode: ReconcileOptions['mode'];
  alert(message: string): Promise<void>;
  /** Counts and logs a failure of one item (no alert: the caller says it in its own). */
  failed(item: ItemInSweep, error: unknown): void;
  /** Runs one item; a failure is counted, logged, alerted and skipped. */
  attempt(item: ItemInSweep, work: () => Promise<void>): Promise<void>;
}

/**
 * Every removal of the sweep asks this first (the one check of src/domain/protection.ts): a protected assignment is
 * left in place, and becomes a `protected` finding and a count in the summary. Returns why it is protected, or
 * undefined when it may be removed.
 */
export function leftInPlaceIfProtected(
  ctx: Reconciling,
  sweep: Sweep,
  assignment: { principalId: string; target: Target; targetKey: string; requestId?: string },
  wouldHave: string,
): string | undefined {
  const because = protectedBecause(ctx.policy.protection ?? NO_PROTECTION, assignment);
  if (!because) return undefined;
  sweep.summary.protected += 1;
  sweep.summary.findings.push({
    kind: 'protected',
    principalId: assignment.principalId,
    target: assignment.targetKey,
    detail: `${wouldHave}; left in place: ${because}`,
    ...(assignment.requestId ? { requestId: assignment.requestId } : {}),
  });
  return because;
}

export interface ItemInSweep {
  /** What was being done, for the finding and the alert: "overdue grant prod-access-…". */
  what: string;
  requestId?: string;
  principalId?: string;
  target?: string;
}

/** Identity Center calls of the sweep report no progress and simply wait between polls. */
export const noProgress = {
  onProgress: () => undefined,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

export function startSweep(deps: ReconcilerDependencies, options: ReconcileOptions, now: Date): Sweep {
  const { logger } = deps;
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
    protected: 0,
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
      await deps.alert(message);
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
  return {
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
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
