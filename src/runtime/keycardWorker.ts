/** The two Temporal workers of a Keycard process (workflows and activities; Identity Center activities), as one. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';
import { freshWorkflowBundle } from '../bundleWorkflows';
import { identityCenterTaskQueue } from '../workflows/definitions';

export interface KeycardWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Identity Center activities started per second across all workers (server-enforced). */
  identityCenterRate?: number;
  /** Workflows cached in memory (WORKFLOW_CACHE_SIZE); the SDK's default is sized from the heap limit. */
  workflowCacheSize?: number;
  /** Tests bundle the workflow code once and share it; production bundles at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

/** The given bundle (tests); else the one `npm run build` made, if it is fresh; else bundling at start-up. */
function workflowCode(given: KeycardWorkerOptions['workflowBundle']) {
  if (given) return { workflowBundle: given };
  const built = freshWorkflowBundle();
  return built ? { workflowBundle: { codePath: built } } : { workflowsPath: require.resolve('../workflows') };
}

/** The two workers of a Keycard process, run and stopped as one. */
export interface KeycardWorker {
  run(): Promise<void>;
  shutdown(): void;
  getState(): string;
}

/**
 * A worker for the workflows and their other activities on `taskQueue`, and an activity worker on
 * `<taskQueue>-identity-center` whose rate the server enforces for every worker of the queue together.
 */
export async function createKeycardWorker(options: KeycardWorkerOptions): Promise<KeycardWorker> {
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    activities: options.activities,
    ...(options.identity ? { identity: options.identity } : {}),
  };
  const main = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...(options.workflowCacheSize ? { maxCachedWorkflows: options.workflowCacheSize } : {}),
    ...workflowCode(options.workflowBundle),
  });
  const identityCenter = await Worker.create({
    ...common,
    taskQueue: identityCenterTaskQueue(options.taskQueue),
    maxTaskQueueActivitiesPerSecond: options.identityCenterRate ?? DEFAULT_IDENTITY_CENTER_RATE,
    // AWS allows about 10 outstanding asynchronous assignment requests; more would only wait for the pacer.
    maxConcurrentActivityTaskExecutions: IDENTITY_CENTER_CONCURRENCY,
  });
  const stopBoth = () => {
    for (const worker of [main, identityCenter]) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    async run() {
      // If either stops (a signal, or a fatal error), the other stops too.
      const results = await Promise.allSettled([main.run().finally(stopBoth), identityCenter.run().finally(stopBoth)]);
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown: stopBoth,
    getState: () => main.getState(),
  };
}

/**
 * The Identity Center budget, 20 per second by default (AWS's published quota is about 20 TPS across its APIs). It
 * bounds twice: the Temporal server starts at most this many Identity Center activities per second on the queue,
 * across every worker; and each process paces its own SSO Admin calls (an activity makes one to three) at this rate.
 * Measured (npm run bench, 100 grants expiring within 60 s): at 5/s the server-side limit made revokes up to 5.5 s
 * late, because the server spreads the rate over the queue's partitions; at 20/s p99 was 143 ms.
 */
export const DEFAULT_IDENTITY_CENTER_RATE = 20;

/** Identity Center activities running at once in one process. */
export const IDENTITY_CENTER_CONCURRENCY = 10;
