/**
 * The reconciler wired to a configuration: its policy, its records and Identity Center, Temporal when it answers, and
 * the audit checkpoint that closes every run which changed something.
 */
import type { Client } from '@temporalio/client';
import { managedTargets, protectionOf, type Config } from '../config';
import type { Logger } from '../logger';
import type { AuditCheckpoints } from '../services/audit/checkpoints';
import type { IdentityCenter } from '../services/identityCenter';
import { Reconciler, type ReconcileOptions, type ReconcilePolicy, type ReconcileSummary } from '../services/reconcile';
import type { GrantRecords } from '../services/records';
import { signalRevokeFrom, workflowStateFrom } from './temporalPorts';

/** The reconcile policy from the configuration: the managed targets, grace, look-back, allow-list, protection. */
export function reconcilePolicy(config: Config): ReconcilePolicy {
  return {
    graceMs: config.RECONCILE_GRACE,
    lookbackMs: 3 * config.RECONCILE_INTERVAL + config.RECONCILE_GRACE,
    overdueRevokeMs: config.RECONCILE_OVERDUE_REVOKE,
    allow: config.RECONCILE_ALLOW,
    protection: protectionOf(config),
    targets: managedTargets(config),
  };
}

export interface ReconcilerParts {
  records: GrantRecords;
  identityCenter: IdentityCenter;
  alert: (message: string) => Promise<void>;
  logger: Logger;
  /** Absent when Temporal is unreachable: overdue grants are then revoked without asking their workflows. */
  temporal?: Client;
  /** Absent when AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET are not set. */
  checkpoints?: AuditCheckpoints;
}

/** A sweep's summary, and the checkpoint its run signed (absent on a dry run or without checkpoints). */
export type ReconcileRun = ReconcileSummary & { checkpoint?: { name: string; chainSeq: number; hash: string } };

export interface CheckpointedReconciler {
  run(options: ReconcileOptions): Promise<ReconcileRun>;
}

/**
 * The reconciler, each real run followed by a signed checkpoint of the audit chain's head (which by then holds the
 * run's own `reconcile_summary`). A checkpoint that cannot be written is an `error` finding of the run, alerted, never
 * a failure of the sweep: the sweep's work is done and must not be redone by a retry.
 */
export function createReconciler(config: Config, parts: ReconcilerParts): CheckpointedReconciler {
  const reconciler = sweeper(config, parts);
  const { checkpoints, records, alert, logger } = parts;
  return {
    async run(options) {
      const summary: ReconcileRun = await reconciler.run(options);
      if (!checkpoints || options.dryRun) return summary;
      try {
        const written = await checkpoints.write(await records.chain.head(), new Date());
        if (written) summary.checkpoint = written;
      } catch (error) {
        const detail = `could not write the audit checkpoint to ${checkpoints.location}: ${error instanceof Error ? error.message : String(error)}`;
        logger.error({ err: error, runId: summary.runId }, detail);
        summary.errors += 1;
        summary.findings.push({ kind: 'error', principalId: '', target: '', detail });
        await alert(`Keycard reconcile: ${detail}`).catch(() => undefined);
      }
      return summary;
    },
  };
}

function sweeper(config: Config, parts: ReconcilerParts): Reconciler {
  const { records, identityCenter, alert, logger, temporal } = parts;
  return new Reconciler(
    {
      records,
      identityCenter,
      alert,
      logger,
      workflowState: temporal ? workflowStateFrom(temporal) : undefined,
      signalRevoke: temporal ? signalRevokeFrom(temporal) : undefined,
    },
    reconcilePolicy(config),
  );
}
