/**
 * The Keycard worker: runs the grant workflows and the activities that touch Identity Center and MongoDB.
 * `node dist/src/worker.js` (npm run worker) reads its configuration from the environment and a .env file.
 */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities } from './activities';
import { IdentityCenter } from './activities/identityCenter';
import { GrantRecords } from './activities/records';
import { createSlackClient, SlackNotifier } from './activities/slack';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { connectMongo } from './mongo';
import { connectClient, connectWorker, registerSearchAttributes } from './temporal';

export interface IdentityCenterOptions {
  region: string;
  endpoint?: string;
  instanceArn: string;
  identityStoreId: string;
  pollIntervalMs: number;
}

/** One AWS client pair per worker; the SDK retries throttling and 5xx itself before Temporal's retry policy does. */
export function createIdentityCenter(options: IdentityCenterOptions): IdentityCenter {
  const clientConfig = {
    region: options.region,
    endpoint: options.endpoint,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
  return new IdentityCenter(new SSOAdminClient(clientConfig), new IdentitystoreClient(clientConfig), {
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
  /** Tests bundle the workflow code once and share it; production bundles at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

export async function createKeycardWorker(options: KeycardWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
  });
}

export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const mongo = await connectMongo(config.MONGODB_URL);
  const records = new GrantRecords(mongo.db);
  await records.ensureIndexes();
  const client = await connectClient(config);
  await registerSearchAttributes(client, config.TEMPORAL_NAMESPACE, logger);
  await client.close();
  const connection = await connectWorker(config);
  const identityCenter = createIdentityCenter({
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL,
    instanceArn: config.IDENTITY_CENTER_INSTANCE_ARN,
    identityStoreId: config.IDENTITY_STORE_ID,
    pollIntervalMs: config.IDENTITY_CENTER_POLL_INTERVAL,
  });
  const worker = await createKeycardWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ identityCenter, records, logger, slack: slackNotifier(config, logger) }),
  });
  logger.info(
    { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
    'worker running; SIGINT or SIGTERM stops it after the tasks in hand finish',
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
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
  const logger = createLogger(config.LOG_LEVEL);
  await runWorker(config, logger);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`keycard worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
