/** The worker as operators run it: `node dist/src/worker.js`, configured by the environment. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { freshWorkflowBundle, WORKFLOW_BUNDLE } from '../src/bundleWorkflows';
import { startAccessRequest } from '../src/requests';
import { statusQuery } from '../src/workflows/definitions';
import { awsError } from './support/awsFaultProxy';
import { FakeSlack } from './support/fakeSlack';
import { eventually, isAssignedInMoto, newRequest, TEST_APPROVER_CHANNEL, testSigner } from './support/keycard';
import { freePort, PROJECT_ROOT, tempDir } from './support/processes';
import { identityCenterEnv, stand } from './support/stand';
import { TEST_SIGNING_KEY } from './support/configEnv';

const WORKER = path.join(PROJECT_ROOT, 'dist/src/worker.js');

/** A short REVOKE_PROBE_INTERVAL, so a test sees several probe rounds. */
const PROBE_INTERVAL_MS = 2_000;

function startWorkerProcess(env: Record<string, string>) {
  // A directory without a .env file, so only the variables given here count.
  const child = spawn(process.execPath, [WORKER], { cwd: tempDir('worker'), env: { PATH: process.env.PATH, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves once the worker says it runs; fails with what it said if it exited first. */
  async function running(): Promise<void> {
    await eventually(
      async () => output,
      (said) => said.includes('worker running') || child.exitCode !== null,
      { timeoutMs: 60_000 },
    );
    assert.match(output, /worker running/);
  }
  return { child, exited, output: () => output, running };
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
      await worker.running();
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

  it('turns unready, exports it and alerts once when Identity Center denies the revoke path, while no grant is due; ready again when it is back', async function () {
    this.timeout(180_000);
    const { aws, devServer, mongoUrl } = stand();
    const slack = new FakeSlack();
    await slack.start();
    const opsPort = await freePort();
    const worker = startWorkerProcess({
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_TASK_QUEUE: `keycard-probe-${randomUUID()}`,
      OPS_PORT: String(opsPort),
      TEMPORAL_METRICS_PORT: String(await freePort()),
      MONGODB_URL: mongoUrl,
      ...identityCenterEnv(),
      KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
      SLACK_BOT_TOKEN: 'xoxb-probe-test-not-a-secret',
      SLACK_API_URL: slack.apiUrl,
      APPROVER_CHANNEL: TEST_APPROVER_CHANNEL,
      REVOKE_PROBE_INTERVAL: `${PROBE_INTERVAL_MS / 1_000}s`,
    });
    const ops = `http://127.0.0.1:${opsPort}`;
    const readyz = async () => {
      const response = await fetch(`${ops}/readyz`).catch(() => undefined);
      return { status: response?.status ?? 0, body: (await response?.text()) ?? '' };
    };
    const metricsText = async () => (await fetch(`${ops}/metrics`)).text();
    const alerts = () =>
      slack.messagesIn(TEST_APPROVER_CHANNEL).filter((m) => m.text.includes('Keycard cannot revoke access'));
    const probeCalls = () => aws.callsOf('DescribeAccountAssignmentDeletionStatus');
    try {
      await worker.running();
      await devServer.env.client.schedule
        .getHandle('prod-access-reconcile')
        .delete()
        .catch(() => undefined);
      await eventually(readyz, (answer) => answer.status === 200);
      assert.match(await metricsText(), /^keycard_revoke_path_ready 1$/m);
      assert.equal(alerts().length, 0);

      // Keycard loses its Identity Center permission to read deletions (the fault proxy answers AccessDenied).
      const callsBefore = probeCalls().length;
      const deniedAt = Date.now();
      aws.inject(
        'DescribeAccountAssignmentDeletionStatus',
        10_000,
        awsError(
          400,
          'AccessDeniedException',
          'injected: not authorized to perform sso:DescribeAccountAssignmentDeletionStatus',
        ),
      );
      const unready = await eventually(readyz, (answer) => answer.status === 503, { intervalMs: 50 });
      const unreadyAfterMs = Date.now() - deniedAt;
      assert.match(unready.body, /revoke path: AccessDenied.*sso:DescribeAccountAssignmentDeletionStatus/);
      await eventually(
        async () => alerts(),
        (found) => found.length >= 1,
        { intervalMs: 50 },
      );
      const alertedAfterMs = Date.now() - deniedAt;
      assert.match(alerts()[0].text, /AccessDenied/);
      assert.ok(
        /"alert":true.*Keycard cannot revoke access/.test(worker.output()),
        'the alert is an error log line with alert: true too',
      );
      const metrics = await metricsText();
      assert.match(metrics, /^keycard_revoke_path_ready 0$/m);
      assert.match(metrics, /^keycard_revoke_probe_failures_total [1-9]\d*$/m);
      // More failing rounds, one alert: an outage is alerted once.
      await eventually(
        async () => probeCalls().filter((call) => call.injected).length,
        (denied) => denied >= 3,
      );
      assert.equal(alerts().length, 1, 'alerted once for the outage, not once per probe');
      assert.equal((await readyz()).status, 503, 'still unready while the probe fails');
      const firstDeniedCall = probeCalls()
        .slice(callsBefore)
        .find((call) => call.injected);
      const probedAfterMs = (firstDeniedCall?.at ?? Number.NaN) - deniedAt;

      aws.clearFaults();
      const liftedAt = Date.now();
      await eventually(readyz, (answer) => answer.status === 200, { intervalMs: 50 });
      const readyAfterMs = Date.now() - liftedAt;
      assert.match(await metricsText(), /^keycard_revoke_path_ready 1$/m);
      await eventually(
        async () => worker.output(),
        (output) => output.includes('revoke path recovered'),
      );
      assert.equal(alerts().length, 1);
      process.stdout.write(
        `      revoke probe (REVOKE_PROBE_INTERVAL ${PROBE_INTERVAL_MS} ms): unready ${unreadyAfterMs} ms and alerted ${alertedAfterMs} ms after the permission was lost (the next probe round asked ${probedAfterMs} ms after), ready ${readyAfterMs} ms after it came back\n`,
      );
    } finally {
      aws.clearFaults();
      worker.child.kill('SIGTERM');
      await worker.exited;
      await slack.stop();
    }
  });
});
