/**
 * Keycard in one process: the worker and the Slack app. `npm start` runs this.
 */
import { Client } from '@temporalio/client';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { createLogger } from './logger';
import { createSlackApp } from './slack/app';
import { connectClient } from './temporal';
import { runWorker } from './worker';

async function main(): Promise<void> {
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig(process.env, { slack: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const connection = await connectClient(config);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const slack = createSlackApp({ config, temporal, logger });
  // The worker stops on SIGINT/SIGTERM by itself (after the tasks in hand); the Slack app stops with it.
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
    await connection.close();
  }
}

main().catch((error) => {
  process.stderr.write(`keycard failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
