/**
 * The Keycard worker: runs the grant workflows and the activities that touch Identity Center and MongoDB.
 * `node dist/src/worker.js` (npm run worker) reads its configuration from the environment and a .env file.
 */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities } from './activities';
import { IdentityCenter } from './activities/identityCenter';
import { freshWorkflowBundle } from './bundleWorkflows';
import { CallPacer, paceCalls } from './activities/pacing';
import { laterLeaseFrom } from './activities/leases';
import { GrantRecords } from './activities/records';
import { Reconciler, reconcilePolicy, signalRevokeFrom, workflowStateFrom } from './activities/reconcile';
import { createSlackClient, SlackNotifier } from './activities/slack';
import { formatDuration } from './domain/duration';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { createLogger, secretValues, type Logger } from './logger';
import { installTemporalRuntime, sdkMetricsAddress, startOpsFor } from './observability';
import { connectMongo } from './mongo';
import { connectClient, connectWorker, registerSearchAttributes } from './temporal';
import { identityCenterTaskQueue } from './workflows/definitions';

export const RECONCILE_SCHEDULE_ID = 'prod-access-reconcile';

export interface IdentityCenterOptions {
  region: string;
  endpoint?: string;
  instanceArn: string;
  identityStoreId: string;
  pollIntervalMs: number;
  /** SSO Admin API calls per second from this process (IDENTITY_CENTER_RATE); unpaced when absent. */
  callsPerSecond?: number;
}

/**
 * One AWS client pair per process; the SDK retries throttling and 5xx itself before Temporal's retry policy does.
 * SSO Admin calls (assignments, their status, listings) share one pacer; the Identity Store lookup has its own quota.
 */
export function createIdentityCenter(options: IdentityCenterOptions): IdentityCenter {
  const clientConfig = {
    region: options.region,
    endpoint: options.endpoint,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
  const ssoAdmin = new SSOAdminClient(clientConfig);
  if (options.callsPerSecond) paceCalls(ssoAdmin, new CallPacer(options.callsPerSecond));
  return new IdentityCenter(ssoAdmin, new IdentitystoreClient(clientConfig), {
    instanceArn: options.instanceArn,
    identityStoreId: options.identityStoreId,
    pollIntervalMs: options.pollIntervalMs,
  });
}

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
  return built ? { workflowBundle: { codePath: built } } : { workflowsPath: require.resolve('./workflows') };
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

/** What the activities and `keycard` commands share: records, Identity Center, Slack, alerts, the reconciler. */
export async function connectDependencies(config: Config, logger: Logger, temporal?: Client) {
  const mongo = await connectMongo(config.MONGODB_URL);
  const records = new GrantRecords(mongo.db);
  await records.ensureIndexes();
  const identityCenter = createIdentityCenter({
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL,
    instanceArn: config.IDENTITY_CENTER_INSTANCE_ARN,
    identityStoreId: config.IDENTITY_STORE_ID,
    pollIntervalMs: config.IDENTITY_CENTER_POLL_INTERVAL,
    callsPerSecond: config.IDENTITY_CENTER_RATE,
  });
  const slack = slackNotifier(config, logger);
  const alert = async (message: string) => {
    logger.error({ alert: true }, message);
    if (slack && config.APPROVER_CHANNEL) await slack.postAlert(config.APPROVER_CHANNEL, message);
  };
  const reconciler = new Reconciler(
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
  return { mongo, records, identityCenter, slack, reconciler };
}

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

export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const clientConnection = await connectClient(config);
  await registerSearchAttributes(clientConnection, config.TEMPORAL_NAMESPACE, logger);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  await ensureReconcileSchedule(client, config, logger);
  const { mongo, records, identityCenter, slack, reconciler } = await connectDependencies(config, logger, client);
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
    }),
  });
  logger.info(
    { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
    'worker running; SIGINT or SIGTERM stops it after the tasks in hand finish',
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await clientConnection.close();
    await mongo.client.close();
    logger.info('worker stopped');
  }
}

function slackNotifier(config: Config, logger: Logger): SlackNotifier | undefined {
  if (config.SLACK_BOT_TOKEN) return new SlackNotifier(createSlackClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL));
  logger.warn('SLACK_BOT_TOKEN is not set: this worker sends no Slack messages, and Slack requests fail');
  return undefined;
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, undefined, secretValues(config));
  installTemporalRuntime(logger, sdkMetricsAddress(config));
  const ops = await startOpsFor(config, logger);
  try {
    await runWorker(config, logger);
  } finally {
    await ops.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`keycard worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
