/**
 * The Keycard worker: runs the grant workflows and the activities that touch Identity Center and MongoDB.
 * `node dist/src/worker.js` (npm run worker) reads its configuration from the environment and a .env file.
 * An entry point: everything it runs is built in src/runtime.
 */
import { loadDotEnv } from './config';
import { createLogger, secretValues } from './logger';
import { installTemporalRuntime, sdkMetricsAddress, startOpsFor } from './observability';
import { configOrExit } from './runtime/configOrExit';
import { runWorker } from './runtime/runWorker';

async function main(): Promise<void> {
  loadDotEnv();
  const config = configOrExit();
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
