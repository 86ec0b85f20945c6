/**
 * `npm run demo`: Keycard's real worker and Bolt app, with moto as Identity Center and a local page playing Slack.
 * Everything binds 127.0.0.1 and lives in a fresh data directory removed on stop; `stop()` ends all it started.
 */
import { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import { startEmbeddedServices } from '../embedded';
import { createLogger, secretValues } from '../logger';
import { runWorker } from '../runtime/runWorker';
import { createSlackApp } from '../slack/app';
import { connectClient } from '../temporal';
import { startIdentityCenter, DEMO_REGION } from './identityCenter';
import { APPROVERS_CHANNEL, DEMO_PEOPLE } from './people';
import { freePort } from './processes';
import { startDemoServer } from './server';
import { FakeSlack } from './slack/fakeSlackApi';
import { DemoWorkspace } from './workspace';

export interface DemoOptions {
  /** The page's port; a free one when absent. */
  port?: number;
  logLevel?: string;
}

export interface RunningDemo {
  url: string;
  temporalUiUrl: string;
  /** moto, the demo's Identity Center. */
  identityCenterUrl: string;
  /** Where the demo's Temporal, store and logs live until stop() removes it. */
  dataDir: string;
  /** Resolves when the worker stops (after stop(), or on its own). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const logLevel = options.logLevel ?? 'warn';
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keycard-demo-'));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const bootLogger = createLogger(logLevel);
    const [identityCenter, embedded, slack] = await Promise.all([
      startIdentityCenter(dataDir),
      startEmbeddedServices({ KEYCARD_DATA_DIR: dataDir }, bootLogger),
      startFakeSlack(),
    ]);
    stops.push(identityCenter.stop, embedded.stop, () => slack.stop());
    stops.push(useDemoCredentials());
    const signingSecret = randomBytes(16).toString('hex');
    const config = loadConfig(
      {
        ...embedded.env,
        AWS_REGION: DEMO_REGION,
        AWS_ENDPOINT_URL: identityCenter.url,
        IDENTITY_CENTER_INSTANCE_ARN: identityCenter.instanceArn,
        IDENTITY_STORE_ID: identityCenter.identityStoreId,
        TARGET_ACCOUNT_ID: identityCenter.accountId,
        PERMISSION_SET_ARN: identityCenter.permissionSetArn,
        SLACK_BOT_TOKEN: `xoxb-demo-${randomBytes(12).toString('hex')}`,
        SLACK_SIGNING_SECRET: signingSecret,
        KEYCARD_SIGNING_KEY: randomBytes(32).toString('base64'),
        SLACK_API_URL: slack.apiUrl,
        APPROVER_CHANNEL: APPROVERS_CHANNEL.id,
        APPROVERS: DEMO_PEOPLE.filter((person) => person.role === 'approver')
          .map((person) => person.id)
          .join(','),
        PORT: String(await freePort()),
        GRANT_TTL: '2m',
        EXPIRY_WARNING: '1m',
        REQUEST_TIMEOUT: '10m',
        IDENTITY_CENTER_POLL_INTERVAL: '200ms',
        LOG_LEVEL: logLevel,
      },
      { slack: true },
    );
    const logger = createLogger(config.LOG_LEVEL, undefined, secretValues(config));
    const worker = new AbortController();
    const stopped = runWorker(config, logger, { stop: worker.signal }).catch((error: unknown) => {
      logger.error({ err: error }, 'the demo worker failed');
    });
    stops.push(() => {
      worker.abort();
      return stopped;
    });
    const connection = await connectClient(config);
    stops.push(async () => {
      await connection.close();
    });
    const app = createSlackApp({
      config,
      temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
      logger,
    });
    await app.start({ port: config.PORT, host: '127.0.0.1' });
    stops.push(async () => {
      await app.stop();
    });
    const workspace = new DemoWorkspace(slack, `http://127.0.0.1:${config.PORT}/slack/events`, signingSecret);
    const temporalUiUrl = embedded.temporalUiUrl ?? '';
    const server = await startDemoServer(
      { slack, workspace, temporalUiUrl, assignments: () => identityCenter.assignments() },
      options.port,
    );
    stops.push(server.stop);
    return {
      url: server.url,
      temporalUiUrl,
      identityCenterUrl: identityCenter.url,
      dataDir,
      stopped,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startFakeSlack(): Promise<FakeSlack> {
  const slack = new FakeSlack();
  for (const person of DEMO_PEOPLE) slack.addUser({ id: person.id, email: person.email });
  slack.addChannel(APPROVERS_CHANNEL.id);
  await slack.start();
  return slack;
}

/**
 * The AWS SDK reads credentials from the environment: moto takes any, and real ones must not travel there. The
 * returned function puts back what was set before.
 */
function useDemoCredentials(): () => Promise<void> {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
  const before = names.map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'demo', AWS_SECRET_ACCESS_KEY: 'demo' });
  return async () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
