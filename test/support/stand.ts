/**
 * The test stand: the real servers every test talks to, started once per run on free 127.0.0.1 ports.
 * Point a test run at servers you already run with:
 *   KEYCARD_TEST_TEMPORAL_ADDRESS       a Temporal dev server (the ProdAccess* search attributes get registered)
 *   KEYCARD_TEST_TEMPORAL_UI_URL        its Web UI (required with the address)
 *   KEYCARD_TEST_TIME_SKIPPING_ADDRESS  a Temporal time-skipping test server
 *   KEYCARD_TEST_MONGODB_URL            MongoDB or FerretDB (a fresh database per run is used)
 *   KEYCARD_TEST_MOTO_URL               a moto server (seeded with a new permission set and user per run)
 */
import { CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createLogger } from '../../src/logger';
import { ferretDbArgs, temporalDevServerArgs } from '../../src/embedded';
import { registerSearchAttributes } from '../../src/temporal';
import { AwsFaultProxy } from './awsFaultProxy';
import {
  freePort,
  portOpen,
  retryOnPortClash,
  startProcess,
  tempDir,
  tool,
  waitUntilReady,
  type ServerProcess,
} from './processes';

export const AWS_REGION = 'us-east-1';
export const TARGET_ACCOUNT_ID = '123456789012';

export interface Seed {
  instanceArn: string;
  identityStoreId: string;
  permissionSetArn: string;
  accountId: string;
  /** An Identity Store user with an email, for tests that need one person. */
  user: { email: string; userId: string };
}

export interface Stand {
  devServer: { address: string; uiUrl: string; env: TestWorkflowEnvironment; process?: ServerProcess };
  timeSkipping: TestWorkflowEnvironment;
  mongoUrl: string;
  motoUrl: string;
  /** The AWS endpoint the code under test uses: the fault proxy in front of moto. */
  aws: AwsFaultProxy;
  seed: Seed;
  workflowBundle: WorkflowBundle;
  processes: ServerProcess[];
}

let current: Stand | undefined;

export function stand(): Stand {
  if (!current) throw new Error('the test stand is not running (test/support/hooks.ts starts it)');
  return current;
}

export async function startStand(): Promise<Stand> {
  const processes: ServerProcess[] = [];
  const started = <T extends { process?: ServerProcess }>(value: T): T => {
    if (value.process) processes.push(value.process);
    return value;
  };
  try {
    const [dev, skipping, mongo, moto, workflowBundle] = await Promise.all([
      retryOnPortClash(startDevServer).then(started),
      retryOnPortClash(startTimeSkippingServer).then(started),
      retryOnPortClash(startMongo).then(started),
      retryOnPortClash(startMoto).then(started),
      bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../src/workflows'), logger: quietBundlerLogger }),
    ]);
    const aws = new AwsFaultProxy(moto.url);
    await aws.start();
    const seed = await seedIdentityCenter(aws.endpoint);
    const timeSkipping = await connectTimeSkipping(skipping.address);
    await registerSearchAttributes(timeSkipping.connection, 'default', createLogger('warn'));
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: dev.address });
    current = {
      devServer: { address: dev.address, uiUrl: dev.uiUrl, env, process: dev.process },
      timeSkipping,
      mongoUrl: mongo.url,
      motoUrl: moto.url,
      aws,
      seed,
      workflowBundle,
      processes,
    };
    return current;
  } catch (error) {
    await Promise.all(processes.map((server) => server.stop()));
    throw error;
  }
}

export async function stopStand(): Promise<void> {
  const running = current;
  current = undefined;
  if (!running) return;
  await Promise.allSettled([running.devServer.env.teardown(), running.timeSkipping.teardown(), running.aws.stop()]);
  await Promise.all(running.processes.map((server) => server.stop()));
}

export async function startDevServer(): Promise<{ address: string; uiUrl: string; process?: ServerProcess }> {
  const existing = process.env.KEYCARD_TEST_TEMPORAL_ADDRESS;
  if (existing) {
    const uiUrl = process.env.KEYCARD_TEST_TEMPORAL_UI_URL;
    if (!uiUrl)
      throw new Error(
        'KEYCARD_TEST_TEMPORAL_UI_URL is required with KEYCARD_TEST_TEMPORAL_ADDRESS (e.g. http://127.0.0.1:8233)',
      );
    const connection = await Connection.connect({ address: existing });
    await registerSearchAttributes(connection, 'default', createLogger('warn'));
    await connection.close();
    return { address: existing, uiUrl };
  }
  const [port, uiPort] = [await freePort(), await freePort()];
  const server = startProcess(
    'temporal-dev',
    tool('temporal'),
    temporalDevServerArgs({ port, uiPort, logLevel: 'error' }),
  );
  const address = `127.0.0.1:${port}`;
  await waitUntilReady(server, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await connection.close();
    }
  });
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  await waitUntilReady(server, async () => (await fetch(uiUrl)).ok);
  return { address, uiUrl, process: server };
}

async function startTimeSkippingServer(): Promise<{ address: string; process?: ServerProcess }> {
  const existing = process.env.KEYCARD_TEST_TIME_SKIPPING_ADDRESS;
  if (existing) return { address: existing };
  const port = await freePort();
  const server = startProcess('temporal-test-server', tool('temporal-test-server'), [String(port)]);
  await waitUntilReady(server, () => portOpen(port));
  return { address: `127.0.0.1:${port}`, process: server };
}

/**
 * The SDK starts its own time-skipping server or connects to one without time skipping; the stand starts the server
 * itself (so it controls the process) and connects with time skipping on.
 */
async function connectTimeSkipping(address: string): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as { create(options: unknown): Promise<TestWorkflowEnvironment> })
    .create;
  return create.call(TestWorkflowEnvironment, {
    server: { type: 'existing' },
    supportsTimeSkipping: true,
    namespace: 'default',
    address,
    connectionOptions: {},
  });
}

async function startMongo(): Promise<{ url: string; process?: ServerProcess }> {
  const runDatabase = `keycard_test_${Date.now()}`;
  const existing = process.env.KEYCARD_TEST_MONGODB_URL;
  if (existing) {
    const url = new URL(existing);
    url.pathname = `/${runDatabase}`;
    return { url: url.toString() };
  }
  const port = await freePort();
  const dataDir = tempDir('ferretdb');
  const server = startProcess('ferretdb', tool('ferretdb'), ferretDbArgs({ dir: dataDir, port, logLevel: 'error' }));
  const url = `mongodb://127.0.0.1:${port}/${runDatabase}`;
  await waitUntilReady(server, async () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.db(runDatabase).command({ ping: 1 });
      return true;
    } finally {
      await client.close();
    }
  });
  return { url, process: server };
}

async function startMoto(): Promise<{ url: string; process?: ServerProcess }> {
  const existing = process.env.KEYCARD_TEST_MOTO_URL;
  if (existing) return { url: existing };
  const port = await freePort();
  const server = startProcess('moto', tool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(server, async () => (await fetch(`${url}/moto-api/data.json`)).ok);
  return { url, process: server };
}

export const TEST_USER_DOMAIN = 'example.com';

async function seedIdentityCenter(endpoint: string): Promise<Seed> {
  const clientConfig = awsClientConfig(endpoint);
  const ssoAdmin = new SSOAdminClient(clientConfig);
  const { Instances } = await ssoAdmin.send(new ListInstancesCommand({}));
  const instance = Instances?.[0];
  if (!instance?.InstanceArn || !instance.IdentityStoreId) throw new Error('moto has no Identity Center instance');
  const { PermissionSet } = await ssoAdmin.send(
    new CreatePermissionSetCommand({ InstanceArn: instance.InstanceArn, Name: 'prod-admin', SessionDuration: 'PT4H' }),
  );
  const email = `alice@${TEST_USER_DOMAIN}`;
  const userId = await createUser(endpoint, instance.IdentityStoreId, email);
  return {
    instanceArn: instance.InstanceArn,
    identityStoreId: instance.IdentityStoreId,
    permissionSetArn: PermissionSet?.PermissionSetArn as string,
    accountId: TARGET_ACCOUNT_ID,
    user: { email, userId },
  };
}

/** Creates an Identity Store user with this email; returns its user id. */
export async function createIdentityStoreUser(email: string): Promise<string> {
  const { aws, seed } = stand();
  return createUser(aws.endpoint, seed.identityStoreId, email);
}

async function createUser(endpoint: string, identityStoreId: string, email: string): Promise<string> {
  const identityStore = new IdentitystoreClient(awsClientConfig(endpoint));
  const { UserId } = await identityStore.send(
    new CreateUserCommand({
      IdentityStoreId: identityStoreId,
      UserName: email,
      DisplayName: email,
      Name: { GivenName: email.split('@')[0], FamilyName: 'Test' },
      Emails: [{ Value: email, Type: 'work', Primary: true }],
    }),
  );
  return UserId as string;
}

/** A fresh permission set on the seeded account, made straight in moto: a target no other test touches. */
export async function createPermissionSet(prefix: string): Promise<{ accountId: string; permissionSetArn: string }> {
  const { motoUrl, seed } = stand();
  const { PermissionSet } = await new SSOAdminClient(awsClientConfig(motoUrl)).send(
    new CreatePermissionSetCommand({ InstanceArn: seed.instanceArn, Name: `${prefix}-${randomUUID().slice(0, 8)}` }),
  );
  return { accountId: seed.accountId, permissionSetArn: PermissionSet?.PermissionSetArn as string };
}

export function awsClientConfig(endpoint: string) {
  return {
    region: AWS_REGION,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: unknown) =>
    process.stderr.write(`bundler: ${message} ${JSON.stringify(meta ?? {})}\n`),
  log: () => undefined,
};

/** The AWS settings that point a Keycard process at the stand's Identity Center (moto behind the fault proxy). */
export function identityCenterEnv(target?: { accountId: string; permissionSetArn: string }): Record<string, string> {
  const { aws, seed } = stand();
  return {
    AWS_REGION,
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    IDENTITY_CENTER_INSTANCE_ARN: seed.instanceArn,
    IDENTITY_STORE_ID: seed.identityStoreId,
    TARGET_ACCOUNT_ID: target?.accountId ?? seed.accountId,
    PERMISSION_SET_ARN: target?.permissionSetArn ?? seed.permissionSetArn,
  };
}
