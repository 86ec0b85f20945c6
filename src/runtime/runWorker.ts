/**
 * A Keycard worker from its configuration: search attributes and the reconcile schedule in place, the dependencies
 * connected, the revoke readiness probe running, both workers running until SIGINT or SIGTERM, then every
 * connection closed.
 */
import { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { laterLeaseFrom, laterLeasesFrom } from '../activities/leases';
import { managedTargets, protectionOf, signingKeyOf, type Config } from '../config';
import type { Logger } from '../logger';
import { observeGrantEvent } from '../observability';
import { FrontDoorKey } from '../services/frontDoor';
import { connectClient, connectWorker, registerSearchAttributes } from '../temporal';
import { connectDependencies } from './dependencies';
import { createKeycardWorker } from './keycardWorker';
import { ensureReconcileSchedule } from './reconcileSchedule';
import { startRevokeProbe } from './revokeProbe';

/** `stop` shuts the workers down as a signal would (a process that runs Keycard beside other things, the demo). */
export async function runWorker(config: Config, logger: Logger, { stop }: { stop?: AbortSignal } = {}): Promise<void> {
  const frontDoor = new FrontDoorKey(signingKeyOf(config));
  const clientConnection = await connectClient(config);
  await registerSearchAttributes(clientConnection, config.TEMPORAL_NAMESPACE, logger);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  await ensureReconcileSchedule(client, config, logger);
  const { mongo, records, identityCenter, slack, alert, reconciler } = await connectDependencies(
    config,
    logger,
    client,
  );
  const revokeProbe = startRevokeProbe({
    identityCenter,
    targets: managedTargets(config),
    intervalMs: config.REVOKE_PROBE_INTERVAL,
    alert,
    logger,
  });
  const connection = await connectWorker(config);
  const worker = await createKeycardWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    identityCenterRate: config.IDENTITY_CENTER_RATE,
    workflowCacheSize: config.WORKFLOW_CACHE_SIZE,
    activities: createActivities({
      identityCenter,
      records,
      logger,
      slack,
      reconciler: { run: (options) => reconciler.run(options), mode: config.RECONCILE_MODE },
      leases: laterLeaseFrom(client),
      leasesPerTarget: laterLeasesFrom(client),
      frontDoor,
      alertChannel: config.APPROVER_CHANNEL,
      protection: protectionOf(config),
      onEventRecorded: observeGrantEvent,
    }),
  });
  logger.info(
    { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
    'worker running; SIGINT or SIGTERM stops it after the tasks in hand finish',
  );
  stop?.addEventListener('abort', () => worker.shutdown(), { once: true });
  try {
    await worker.run();
  } finally {
    await revokeProbe.stop();
    await connection.close();
    await clientConnection.close();
    await mongo.client.close();
    logger.info('worker stopped');
  }
}
