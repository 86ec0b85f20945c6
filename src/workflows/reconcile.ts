/**
 * The reconciliation sweep, started by the `prod-access-reconcile` schedule every RECONCILE_INTERVAL (overlap SKIP).
 * The logic lives in one activity so `keycard reconcile` runs exactly the same code without Temporal.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconcileOptions, ReconcileSummary } from '../activities/reconcile';

const { reconcileNow } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '10s', maximumAttempts: 3 },
});

export async function reconcile(options: Partial<ReconcileOptions> = {}): Promise<ReconcileSummary> {
  return reconcileNow(options);
}
