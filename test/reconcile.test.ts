/**
 * The reconciliation backstop on the real stack: a terminated workflow's grant, standing access made by hand,
 * a revoke that did not hold, and `keycard reconcile` with Temporal stopped.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReconcileSummary } from '../src/activities/reconcile';
import type { Target } from '../src/domain/grant';
import { startAccessRequest } from '../src/requests';
import { statusQuery } from '../src/workflows/definitions';
import { lyingDeletion } from './support/awsFaultProxy';
import { FakeSlack } from './support/fakeSlack';
import {
  eventually,
  assignInMoto,
  isAssignedInMoto,
  newRequest,
  recordsIn,
  startWorker,
  TEST_APPROVER_CHANNEL,
  type TestWorker,
} from './support/keycard';
import { PROJECT_ROOT, tool } from './support/processes';
import {
  createIdentityStoreUser,
  createPermissionSet,
  identityCenterEnv,
  stand,
  startDevServer,
} from './support/stand';

const run = promisify(execFile);

describe('reconciliation: the backstop for what workflows cannot see', function () {
  let slack: FakeSlack;
  let worker: TestWorker;
  let target: Target;
  let mongoUrl: string;
  let allowed: string;

  before(async () => {
    // A target and a database of its own, so other tests' grants are not this sweep's business.
    target = await createPermissionSet('reconcile');
    mongoUrl = stand().mongoUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_reconcile$2');
    allowed = await createIdentityStoreUser(`break-glass-${randomUUID().slice(0, 6)}@example.com`);
    slack = new FakeSlack();
    await slack.start();
    worker = await startWorker(stand().devServer.env, {
      slackApiUrl: slack.apiUrl,
      mongoUrl,
      reconcile: { targets: [target], allow: [allowed], graceMs: 1_000 },
    });
  });
  after(async () => {
    stand().aws.clearFaults();
    await worker?.stop();
    await slack?.stop();
  });

  const runReconcile = (mode: 'report' | 'enforce' = 'report') =>
    stand().devServer.env.client.workflow.execute('reconcile', {
      taskQueue: worker.taskQueue,
      workflowId: `prod-access-reconcile-test-${randomUUID()}`,
      args: [{ mode }],
    }) as Promise<ReconcileSummary>;

  const assignDirectly = (principalId: string) => assignInMoto(target, principalId);

  const assigned = (principalId: string) => isAssignedInMoto(principalId, target);

  it('a grant whose workflow was terminated is revoked by the first run after expiry + grace', async () => {
    const { request, userId } = await newRequest({ target, duration: '3s' });
    const handle = await startAccessRequest(stand().devServer.env.client, worker.taskQueue, request);
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await run(tool('temporal'), [
      'workflow',
      'terminate',
      '-w',
      handle.workflowId,
      '--reason',
      'test',
      '--address',
      stand().devServer.address,
    ]);

    const early = await runReconcile();
    assert.ok(!early.findings.some((finding) => finding.requestId === request.requestId), 'not before expiry + grace');
    assert.equal(await assigned(userId), true);

    const due = Date.parse(active.expiresAt as string) + 1_000 - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due) + 200));
    const summary = await runReconcile();
    const finding = summary.findings.find((f) => f.requestId === request.requestId);
    assert.equal(finding?.kind, 'overdue_revoked');
    assert.equal(await assigned(userId), false);
    const records = await recordsIn(mongoUrl);
    const grant = await records.grant(request.requestId);
    assert.equal(grant?.state, 'revoked');
    assert.equal(grant?.revokedBy, 'keycard-reconciler');
    const event = (await records.events(request.requestId)).find((e) => e.type === 'revoked_by_reconciler');
    assert.match(event?.reason ?? '', /no longer running \(terminated, failed or lost\)/);
    const summaries = await records.audit.countDocuments({ type: 'reconcile_summary', _id: summary.runId });
    assert.equal(summaries, 1, 'the run wrote its summary to the audit trail');
  });

  it('standing access made by hand is reported once, removed in enforce mode; the allow-list is left alone', async () => {
    const intruder = await createIdentityStoreUser(`hand-made-${randomUUID().slice(0, 6)}@example.com`);
    await assignDirectly(intruder);
    await assignDirectly(allowed);
    const reports = () =>
      slack
        .messagesIn(TEST_APPROVER_CHANNEL)
        .filter((m) => m.text.includes('Standing access found') && m.text.includes(intruder));
    for (let i = 0; i < 3; i++) {
      const summary = await runReconcile('report');
      assert.ok(summary.findings.some((f) => f.kind === 'drift' && f.principalId === intruder));
      assert.ok(!summary.findings.some((f) => f.principalId === allowed), 'allow-listed principal is not drift');
    }
    await eventually(
      async () => reports(),
      (found) => found.length === 1,
    );
    assert.equal(reports().length, 1, 'reported exactly once across three runs');
    assert.equal(await assigned(intruder), true, 'report mode changes nothing');

    const enforced = await runReconcile('enforce');
    assert.equal(enforced.driftRemoved, 1);
    assert.equal(await assigned(intruder), false);
    assert.equal(await assigned(allowed), true, 'the allow-listed principal keeps its assignment');
    const records = await recordsIn(mongoUrl);
    assert.equal(await records.audit.countDocuments({ type: 'drift_found', 'details.principalId': intruder }), 1);
    assert.equal(await records.audit.countDocuments({ type: 'drift_removed', 'details.principalId': intruder }), 1);
  });

  it('a revoke that "succeeded" while Identity Center still lists the assignment is caught and redone', async () => {
    const { aws } = stand();
    const { request, userId } = await newRequest({ target, duration: '1h' });
    const handle = await startAccessRequest(stand().devServer.env.client, worker.taskQueue, request);
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    // Identity Center lies twice: the deletion "succeeds" and the re-listing no longer shows the assignment.
    lyingDeletion(aws);
    aws.inject('ListAccountAssignmentsForPrincipal', 1, async (_call, forward) => {
      const { status: code, headers } = await forward();
      return { status: code, headers, body: Buffer.from(JSON.stringify({ AccountAssignments: [] })) };
    });
    await handle.signal('revoke', { by: 'ops', reason: 'done' });
    assert.equal((await handle.result()).state, 'revoked');
    assert.equal(await assigned(userId), true, 'the lie left the access in place');

    const summary = await runReconcile();
    assert.ok(summary.findings.some((f) => f.kind === 'revoke_redone' && f.requestId === request.requestId));
    assert.equal(await assigned(userId), false);
    await eventually(
      async () =>
        slack.messagesIn(TEST_APPROVER_CHANNEL).filter((m) => m.text.includes(`Revoke of ${handle.workflowId}`)),
      (found) => found.length === 1,
    );
    const events = (await (await recordsIn(mongoUrl)).events(request.requestId)).map((event) => event.type);
    assert.ok(events.includes('revoke_redone'));
  });

  it('`keycard reconcile` gives the same result with the Temporal server stopped', async () => {
    const own = await startDevServer();
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: own.address });
    const ownWorker = await startWorker(env, { mongoUrl });
    const { request, userId } = await newRequest({ target, duration: '2s' });
    const handle = await startAccessRequest(env.client, ownWorker.taskQueue, request);
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await handle.terminate('test: the workflow is lost');
    await ownWorker.stop();
    await env.teardown();
    await own.process?.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_500));

    const cli = (...args: string[]) =>
      run(process.execPath, [path.join(PROJECT_ROOT, 'bin/keycard.js'), 'reconcile', '--json', ...args], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: own.address,
          MONGODB_URL: mongoUrl,
          ...identityCenterEnv(target),
          RECONCILE_GRACE: '1s',
          RECONCILE_ALLOW: allowed,
        },
      }).then(
        (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    const dry = await cli('--dry-run');
    assert.equal(dry.code, 1, dry.stderr);
    assert.ok(JSON.parse(dry.stdout).findings.some((f: { requestId?: string }) => f.requestId === request.requestId));
    assert.equal(await assigned(userId), true, 'a dry run changes nothing');

    const acted = await cli();
    assert.equal(acted.code, 1, acted.stderr);
    assert.match(acted.stderr, /Temporal is unreachable/);
    const summary = JSON.parse(acted.stdout) as ReconcileSummary;
    const finding = summary.findings.find((f) => f.requestId === request.requestId);
    assert.equal(finding?.kind, 'overdue_revoked');
    assert.equal(await assigned(userId), false);
    assert.equal((await (await recordsIn(mongoUrl)).grant(request.requestId))?.revokedBy, 'keycard-reconciler');

    const clean = await cli();
    assert.equal(clean.code, 0, `a second run finds nothing: ${clean.stdout}`);
  });

  it('`keycard reconcile` exits 2 with the reason on an error', async () => {
    const failing = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin/keycard.js'), 'reconcile'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH },
    }).catch((error: { code: number; stderr: string }) => error);
    assert.equal((failing as { code: number }).code, 2);
    assert.match((failing as { stderr: string }).stderr, /MONGODB_URL is required/);
  });
});
