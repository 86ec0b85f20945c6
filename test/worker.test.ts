/** The worker as operators run it: `node dist/src/worker.js`, configured by the environment. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { freshWorkflowBundle, WORKFLOW_BUNDLE } from '../src/bundleWorkflows';
import { startAccessRequest } from '../src/requests';
import { statusQuery } from '../src/workflows/definitions';
import { eventually, isAssignedInMoto, newRequest, testSigner } from './support/keycard';
import { freePort, PROJECT_ROOT, tempDir } from './support/processes';
import { identityCenterEnv, stand } from './support/stand';
import { TEST_SIGNING_KEY } from './support/configEnv';

const WORKER = path.join(PROJECT_ROOT, 'dist/src/worker.js');

function startWorkerProcess(env: Record<string, string>) {
  // A directory without a .env file, so only the variables given here count.
  const child = spawn(process.execPath, [WORKER], { cwd: tempDir('worker'), env: { PATH: process.env.PATH, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('the worker process', function () {
  it('starts from the workflow bundle `npm run build` made, never from one older than the workflow code', () => {
    assert.equal(freshWorkflowBundle(), WORKFLOW_BUNDLE, 'the build left a fresh bundle');
    const compiled = path.join(PROJECT_ROOT, 'dist/src/workflows/prodAccess.js');
    const { atime, mtime } = statSync(compiled);
    try {
      const later = new Date(statSync(WORKFLOW_BUNDLE).mtimeMs + 10_000);
      utimesSync(compiled, later, later);
      assert.equal(freshWorkflowBundle(), undefined, 'workflow code newer than the bundle: bundle at start instead');
    } finally {
      utimesSync(compiled, atime, mtime);
    }
  });

  it('refuses to start without configuration and names each missing variable', async () => {
    const worker = startWorkerProcess({});
    assert.equal(await worker.exited, 1);
    for (const name of ['MONGODB_URL', 'AWS_REGION', 'IDENTITY_CENTER_INSTANCE_ARN', 'TARGET_ACCOUNT_ID']) {
      assert.match(worker.output(), new RegExp(`- ${name} `));
    }
    assert.match(worker.output(), /\.env\.example/);
  });

  it('runs grants from its task queue and stops cleanly on SIGTERM', async () => {
    const { devServer, mongoUrl } = stand();
    const taskQueue = `keycard-process-${randomUUID()}`;
    const worker = startWorkerProcess({
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPS_PORT: String(await freePort()),
      TEMPORAL_METRICS_PORT: String(await freePort()),
      MONGODB_URL: mongoUrl,
      ...identityCenterEnv(),
      KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
    });
    try {
      await eventually(
        async () => worker.output(),
        (output) => output.includes('worker running') || worker.child.exitCode !== null,
        { timeoutMs: 60_000 },
      );
      assert.match(worker.output(), /worker running/);
      // The worker created the reconcile schedule: every 5 minutes (the default), overlapping runs skipped.
      const schedule = await devServer.env.client.schedule.getHandle('prod-access-reconcile').describe();
      assert.equal(schedule.spec.intervals?.[0]?.every, 300_000);
      assert.equal(schedule.policies.overlap, 'SKIP');
      assert.equal(schedule.action.type === 'startWorkflow' && schedule.action.taskQueue, taskQueue);
      await devServer.env.client.schedule.getHandle('prod-access-reconcile').delete();
      const { request, userId } = await newRequest({ duration: '1h' });
      const handle = await startAccessRequest(devServer.env.client, taskQueue, request, testSigner(devServer.env));
      await eventually(
        () => handle.query(statusQuery),
        (status) => status.state === 'active',
      );
      assert.equal(await isAssignedInMoto(userId), true);
      await handle.signal('revoke', { by: 'test', reason: 'done' });
      assert.equal((await handle.result()).state, 'revoked');
    } finally {
      worker.child.kill('SIGTERM');
    }
    assert.equal(await worker.exited, 0);
    assert.match(worker.output(), /worker stopped/);
  });
});
