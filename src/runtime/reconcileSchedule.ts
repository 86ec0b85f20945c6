/** The `prod-access-reconcile` Temporal Schedule that runs the reconcile workflow every RECONCILE_INTERVAL. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { formatDuration } from '../domain/duration';
import type { Logger } from '../logger';

export const RECONCILE_SCHEDULE_ID = 'prod-access-reconcile';

/** The reconcile schedule, created or brought up to date with the configuration at every worker start. */
export async function ensureReconcileSchedule(client: Client, config: Config, logger: Logger): Promise<void> {
  const interval = formatDuration(config.RECONCILE_INTERVAL);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconcile',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{}],
  };
  try {
    await client.schedule.create({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: config.RECONCILE_INTERVAL }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    logger.info({ scheduleId: RECONCILE_SCHEDULE_ID, every: interval }, 'created the reconcile schedule');
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).update((previous) => ({
      ...previous,
      spec: { intervals: [{ every: config.RECONCILE_INTERVAL }] },
      action,
      policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
    }));
  }
}
