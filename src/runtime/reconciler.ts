/** The reconciler wired to a configuration: its policy, its records and Identity Center, Temporal when it answers. */
import type { Client } from '@temporalio/client';
import { managedTargets, protectionOf, type Config } from '../config';
import type { Logger } from '../logger';
import type { IdentityCenter } from '../services/identityCenter';
import { Reconciler, type ReconcilePolicy } from '../services/reconcile';
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
}

export function createReconciler(config: Config, parts: ReconcilerParts): Reconciler {
  const { temporal, ...rest } = parts;
  return new Reconciler(
    {
      ...rest,
      workflowState: temporal ? workflowStateFrom(temporal) : undefined,
      signalRevoke: temporal ? signalRevokeFrom(temporal) : undefined,
    },
    reconcilePolicy(config),
  );
}
