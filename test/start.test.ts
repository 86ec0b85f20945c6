/**
 * `npm start` as a newcomer runs it: only Slack and AWS settings (pointed at the test stand-ins); Keycard starts its
 * own Temporal dev server and store, serves a real request end to end, reports metrics and readiness, logs no
 * secret, and Ctrl-C leaves no process behind.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ACTIONS } from '../src/views';
import { buttonValue, FakeSlack, visibleText, type StoredMessage } from './support/fakeSlack';
import { eventually, isAssignedInMoto } from './support/keycard';
import { freePort, PROJECT_ROOT, tempDir } from './support/processes';
import { blockActionPayload, interactionBody, postSigned, slashCommandBody } from './support/slackRequests';
import { createIdentityStoreUser, identityCenterEnv } from './support/stand';

function processesUsing(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('npm start on a fresh machine', function () {
  it('starts its own Temporal and store, grants on a signed request and approval, and Ctrl-C leaves nothing', async function () {
    this.timeout(240_000);
    const slack = new FakeSlack();
    await slack.start();
    const secrets = {
      SLACK_BOT_TOKEN: `xoxb-${randomUUID()}`,
      SLACK_SIGNING_SECRET: `signing-${randomUUID()}`,
      AWS_SECRET_ACCESS_KEY: `aws-secret-${randomUUID()}`,
      KEYCARD_SIGNING_KEY: `signing-key-${randomUUID()}`,
    };
    const email = `starter-${randomUUID().slice(0, 8)}@example.com`;
    const principalId = await createIdentityStoreUser(email);
    slack.addUser({ id: 'U0STARTER', email });
    slack.addUser({ id: 'U0APPROVER', email: 'approver@example.com' });
    // Ports are picked free and then handed over, so another process may take one in between (the embedded Temporal
    // server binds several of its own): a start that found its port taken is tried again on new ports.
    let port: number;
    let opsPort: number;
    let dataDir: string;
    let keycard!: ReturnType<typeof spawn>;
    let output = '';
    let exited!: Promise<number | null>;
    for (let attempt = 1; ; attempt++) {
      dataDir = tempDir('start-data');
      [port, opsPort] = [await freePort(), await freePort()];
      keycard = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/src/main.js')], {
        cwd: tempDir('start-cwd'),
        env: {
          PATH: process.env.PATH,
          KEYCARD_DATA_DIR: dataDir,
          ...identityCenterEnv(),
          AWS_ACCESS_KEY_ID: 'testing-key-id',
          ...secrets,
          SLACK_API_URL: slack.apiUrl,
          APPROVER_CHANNEL: 'C0APPROVERS',
          APPROVERS: 'U0APPROVER',
          PORT: String(port),
          OPS_PORT: String(opsPort),
          TEMPORAL_METRICS_PORT: String(await freePort()),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      output = '';
      keycard.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      keycard.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      exited = new Promise<number | null>((resolve) => keycard.once('exit', (code) => resolve(code)));
      await eventually(
        async () => output,
        (text) => text.includes('Slack app running') || keycard.exitCode !== null,
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      if (keycard.exitCode === null || attempt === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 500)); // the last of its output
      if (!/address already in use/i.test(output)) break;
    }
    try {
      assert.match(output, /Slack app running/, output);
      assert.match(output, /embedded Temporal dev server running; Web UI at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(output, /embedded MongoDB-compatible store \(FerretDB\) running/);

      const triggerId = randomUUID();
      const ack = await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        slashCommandBody({
          user_id: 'U0STARTER',
          text: 'check the deploy',
          trigger_id: triggerId,
          response_url: slack.responseUrl(triggerId),
        }),
        { secret: secrets.SLACK_SIGNING_SECRET },
      );
      assert.equal(ack.status, 200);
      const approval = (await eventually(
        async () => slack.messagesIn('C0APPROVERS').find((m) => visibleText(m).includes('<@U0STARTER>')),
        (found) => found !== undefined,
        { timeoutMs: 60_000 },
      )) as StoredMessage;
      await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        interactionBody(
          blockActionPayload({
            user: 'U0APPROVER',
            actionId: ACTIONS.approve,
            value: buttonValue(approval, ACTIONS.approve) as string,
            responseUrl: slack.responseUrl('a'),
          }),
        ),
        { secret: secrets.SLACK_SIGNING_SECRET },
      );
      await eventually(
        () => isAssignedInMoto(principalId),
        (assigned) => assigned,
        { timeoutMs: 60_000 },
      );

      const ops = `http://127.0.0.1:${opsPort}`;
      assert.equal((await fetch(`${ops}/healthz`)).status, 200);
      assert.equal((await fetch(`${ops}/readyz`)).status, 200);
      const metrics = await eventually(
        async () => (await fetch(`${ops}/metrics`)).text(),
        (text) => /keycard_grant_latency_seconds_count 1/.test(text),
      );
      assert.match(metrics, /keycard_requests_total 1/);
      assert.match(metrics, /keycard_decisions_total\{decision="approved"\} 1/);
      assert.match(metrics, /keycard_live_grants 1/);
      assert.match(metrics, /temporal_/, 'the Temporal SDK metrics are there too');

      // The store goes away: not ready, and /readyz says why.
      const ferret = processesUsing(path.join(dataDir, 'ferretdb')).map((line) => Number(line.split(' ')[0]));
      assert.equal(ferret.length, 1);
      process.kill(ferret[0], 'SIGKILL');
      const notReady = await eventually(
        async () => {
          const response = await fetch(`${ops}/readyz`);
          return { status: response.status, body: await response.text() };
        },
        (answer) => answer.status === 503,
      );
      assert.match(notReady.body, /mongodb/);
    } finally {
      keycard.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
      await slack.stop();
    }
    assert.deepEqual(
      { code: keycard.exitCode, signal: keycard.signalCode },
      { code: 0, signal: null },
      `Ctrl-C stops Keycard cleanly, with exit code 0:\n${output.slice(-2_000)}`,
    );
    assert.match(output, /Keycard stopped/, 'it stopped through its own shutdown, not by being killed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(processesUsing(dataDir), [], 'no Temporal or FerretDB left running');

    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!output.includes(value), `${name} appears in the logs`);
    }
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    assert.ok(lines.length >= 5, `the run logged structured JSON lines:\n${output}`);
    for (const line of lines) JSON.parse(line);
  });
});
