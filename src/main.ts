/**
 * Keycard in one process: the worker, the Slack app and the ops endpoints. `npm start` runs this. Without
 * TEMPORAL_ADDRESS or MONGODB_URL it starts an embedded Temporal dev server and FerretDB first (see embedded.ts).
 */
import { Client } from '@temporalio/client';
import { loadDotEnv } from './config';
import { startEmbeddedServices } from './embedded';
import { createLogger, secretValues } from './logger';
import { installTemporalRuntime, sdkMetricsAddress, startOpsFor } from './observability';
import { createSlackApp } from './slack/app';
import { connectClient } from './temporal';
import { configOrExit } from './runtime/configOrExit';
import { runWorker } from './runtime/runWorker';

/** Validates before anything starts: missing Slack/AWS settings are listed at once, embedded stores count as set. */
const startUpConfig = (env: NodeJS.ProcessEnv) => configOrExit(env, { slack: true });

async function main(): Promise<void> {
  loadDotEnv();
  startUpConfig({ ...process.env, MONGODB_URL: process.env.MONGODB_URL || 'mongodb://embedded/keycard' });
  const bootLogger = createLogger(process.env.LOG_LEVEL || 'info', undefined, secretValues(process.env));
  const embedded = await startEmbeddedServices(process.env, bootLogger);
  Object.assign(process.env, embedded.env);
  const config = startUpConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL, undefined, secretValues(config));

  installTemporalRuntime(logger, sdkMetricsAddress(config));
  const connection = await connectClient(config);
  const ops = await startOpsFor(config, logger, connection);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const slack = createSlackApp({ config, temporal, logger });
  // The worker stops on SIGINT/SIGTERM by itself (after the tasks in hand); everything else stops with it.
  const worker = runWorker(config, logger);
  await slack.start();
  logger.info(
    config.SLACK_APP_TOKEN ? { mode: 'socket' } : { mode: 'http', port: config.PORT, endpoint: '/slack/events' },
    'Slack app running',
  );
  try {
    await worker;
  } finally {
    await slack.stop();
    await ops.close();
    await connection.close();
    await embedded.stop();
    logger.info('Keycard stopped');
  }
}

main().catch((error) => {
  process.stderr.write(`keycard failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
