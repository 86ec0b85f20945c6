/**
 * The reconciliation backstop on the real stack: a terminated workflow's grant, standing access made by hand,
 * a revoke that did not hold, one item of a sweep failing, overlapping leases, every worker down past the expiry,
 * an assignment removed by hand, and `keycard reconcile` with Temporal stopped.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReconcileSummary } from '../src/services/reconcile';
import type { GrantRecord } from '../src/services/records';
import { targetKey, type AccessRequest, type RequestedTarget, type Target } from '../src/domain/grant';
import { protectionFrom } from '../src/domain/protection';
import { startAccessRequest } from '../src/requests';
import { statusQuery } from '../src/workflows/definitions';
import { awsError, lyingDeletion } from './support/awsFaultProxy';
import { FakeSlack } from './support/fakeSlack';
import {
  CHECKOUT_ACCOUNT,
  eventually,
  forCatalogTarget,
  assignInMoto,
  isAssignedInMoto,
  newRequest,
  recordsIn,
  startWorker,
  TEST_APPROVER_CHANNEL,
  type TestWorker,
  unassignInMoto,
  testSigner,
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

const GRACE_MS = 1_000;
const OVERDUE_REVOKE_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reconciliation: the backstop for what workflows cannot see', function () {
  let slack: FakeSlack;
  let worker: TestWorker;
  let target: Target;
  /** This file's permission set in a second account, and the catalog target of both accounts. */
  let checkout: Target;
  let twoAccounts: RequestedTarget;
  let mongoUrl: string;
  let allowed: string;
  let emergencyAdmin: string;
  let automation: { email: string; userId: string };

  before(async () => {
    // A target and a database of its own, so other tests' grants are not this sweep's business.
    target = await createPermissionSet('reconcile');
    checkout = { accountId: CHECKOUT_ACCOUNT, permissionSetArn: target.permissionSetArn };
    twoAccounts = {
      key: 'reconcile-two',
      name: 'Reconcile two accounts',
      permissionSetArn: target.permissionSetArn,
      accounts: [
        { id: target.accountId, name: 'payments-prod' },
        { id: CHECKOUT_ACCOUNT, name: 'checkout-prod' },
      ],
      requesterRule: 'everyone',
    };
    mongoUrl = stand().mongoUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_reconcile$2');
    allowed = await createIdentityStoreUser(`break-glass-${randomUUID().slice(0, 6)}@example.com`);
    emergencyAdmin = await createIdentityStoreUser(`emergency-admin-${randomUUID().slice(0, 6)}@example.com`);
    const automationEmail = `automation-${randomUUID().slice(0, 6)}@example.com`;
    automation = { email: automationEmail, userId: await createIdentityStoreUser(automationEmail) };
    slack = new FakeSlack();
    await slack.start();
    worker = await startWorker(stand().devServer.env, {
      slackApiUrl: slack.apiUrl,
      mongoUrl,
      // A tiny RECONCILE_OVERDUE_REVOKE so "every worker down past the expiry" fits in a test.
      reconcile: {
        targets: [target, checkout],
        allow: [allowed],
        protection: protectionFrom([emergencyAdmin, automation.userId]),
        graceMs: GRACE_MS,
        overdueRevokeMs: OVERDUE_REVOKE_MS,
      },
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

  /** Removes an assignment straight in moto, as someone in the AWS console would. */
  const unassignByHand = (principalId: string) => unassignInMoto(target, principalId);

  /** Starts a grant on this file's target and waits until its record says active (the sweep reads records). */
  const activeGrant = async (request: AccessRequest, taskQueue = worker.taskQueue) => {
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
    const records = await recordsIn(mongoUrl);
    const record = await eventually(
      () => records.grant(request.requestId),
      (grant) => grant?.state === 'active',
      { timeoutMs: 60_000 },
    );
    return { handle, expiresAt: (record?.expiresAt as Date).getTime() };
  };

  const terminate = (workflowId: string) =>
    run(tool('temporal'), [
      'workflow',
      'terminate',
      '-w',
      workflowId,
      '--reason',
      'test',
      '--address',
      stand().devServer.address,
    ]);

  const alertsMentioning = (...texts: string[]) =>
    slack.messagesIn(TEST_APPROVER_CHANNEL).filter((m) => texts.every((text) => m.text.includes(text)));

  it('a grant whose workflow was terminated is revoked by the first run after expiry + grace', async () => {
    const { request, userId } = await newRequest({ target, duration: '3s' });
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      worker.taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
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

    // Enforce mode removes only what an earlier sweep saw at least RECONCILE_GRACE ago.
    await sleep(GRACE_MS + 200);
    const enforced = await runReconcile('enforce');
    assert.equal(enforced.driftRemoved, 1);
    assert.equal(await assigned(intruder), false);
    assert.equal(await assigned(allowed), true, 'the allow-listed principal keeps its assignment');
    const records = await recordsIn(mongoUrl);
    assert.equal(await records.audit.countDocuments({ type: 'drift_found', 'details.principalId': intruder }), 1);
    assert.equal(await records.audit.countDocuments({ type: 'drift_removed', 'details.principalId': intruder }), 1);
  });

  it("enforce mode leaves a protected principal's out-of-band assignment in place and reports it as protected, and removes an unprotected one", async () => {
    const intruder = await createIdentityStoreUser(`out-of-band-${randomUUID().slice(0, 6)}@example.com`);
    await assignDirectly(intruder);
    await assignDirectly(emergencyAdmin);
    const protectedFinding = (summary: ReconcileSummary) =>
      summary.findings.find((f) => f.kind === 'protected' && f.principalId === emergencyAdmin);

    const first = await runReconcile('enforce');
    assert.match(
      protectedFinding(first)?.detail ?? '',
      /no live Keycard grant; left in place: .* PROTECTED_PRINCIPALS/,
    );
    assert.ok(first.protected >= 1, `the summary counts it: ${JSON.stringify(first)}`);
    assert.ok(
      !first.findings.some((f) => f.kind === 'drift' && f.principalId === emergencyAdmin),
      'a protected assignment is not drift',
    );
    assert.ok(first.findings.some((f) => f.kind === 'drift' && f.principalId === intruder));

    // The second sighting, RECONCILE_GRACE later, is when enforce mode removes standing access.
    await sleep(GRACE_MS + 200);
    const second = await runReconcile('enforce');
    assert.equal(second.driftRemoved, 1);
    assert.equal(await assigned(intruder), false, 'the unprotected out-of-band assignment is removed as before');
    assert.equal(await assigned(emergencyAdmin), true, 'the protected one stays');
    assert.ok(protectedFinding(second), 'reported as protected at every sweep');

    await eventually(
      async () => alertsMentioning('protected assignment', emergencyAdmin),
      (found) => found.length === 1,
      { timeoutMs: 30_000 },
    );
    await sleep(500);
    assert.equal(alertsMentioning('protected assignment', emergencyAdmin).length, 1, 'alerted once, not per sweep');
    const records = await recordsIn(mongoUrl);
    assert.equal(await records.audit.countDocuments({ type: 'drift_found', 'details.principalId': emergencyAdmin }), 1);
    assert.equal(
      await records.audit.countDocuments({ type: 'drift_removed', 'details.principalId': emergencyAdmin }),
      0,
    );
    const summaryEvent = await records.audit.findOne({ type: 'reconcile_summary', 'details.runId': second.runId });
    assert.ok(
      (summaryEvent?.details as { protected?: number } | undefined)?.protected,
      'the audited summary counts it',
    );
  });

  it('an overdue grant of a protected principal whose workflow is gone keeps its assignment: closed in the records, reported as protected', async () => {
    const { request: fresh } = await newRequest({ target, duration: '3s' });
    const request = { ...fresh, requester: { ...fresh.requester, email: automation.email } };
    const { handle, expiresAt } = await activeGrant(request);
    assert.equal(await assigned(automation.userId), true);
    await terminate(handle.workflowId);
    await sleep(expiresAt + GRACE_MS + 200 - Date.now());

    const summary = await runReconcile('enforce');
    const finding = summary.findings.find((f) => f.requestId === request.requestId);
    assert.equal(finding?.kind, 'protected', JSON.stringify(summary.findings));
    assert.match(finding?.detail ?? '', /its workflow is no longer running.*left in place: .* PROTECTED_PRINCIPALS/);
    assert.equal(await assigned(automation.userId), true, 'the sweep did not remove it');
    const grant = await (await recordsIn(mongoUrl)).grant(request.requestId);
    assert.equal(grant?.state, 'revoked', 'the record is closed, so the next sweep does not find it overdue again');
    assert.match(grant?.revokeReason ?? '', /the assignment stays: .* PROTECTED_PRINCIPALS/);
    await eventually(
      async () => alertsMentioning(handle.workflowId, 'leaves its assignment in place'),
      (found) => found.length === 1,
      { timeoutMs: 30_000 },
    );

    const next = await runReconcile('enforce');
    assert.ok(!next.findings.some((f) => f.requestId === request.requestId && f.kind !== 'protected'));
    assert.ok(
      next.findings.some((f) => f.kind === 'protected' && f.principalId === automation.userId),
      'from then on it is protected standing access',
    );
    assert.equal(await assigned(automation.userId), true);
  });

  it('a revoke that "succeeded" while Identity Center still lists the assignment is caught and redone', async () => {
    const { aws } = stand();
    const { request, userId } = await newRequest({ target, duration: '1h' });
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      worker.taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
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
    const records = await recordsIn(mongoUrl);
    const events = (await records.events(request.requestId)).map((event) => event.type);
    assert.ok(events.includes('revoke_redone'));
    assert.deepEqual(
      events.filter((type) => type === 'changed_outside_keycard'),
      ['changed_outside_keycard'],
      'the record is marked, once',
    );
    assert.match(
      (await records.grant(request.requestId))?.changedOutsideKeycard?.detail ?? '',
      /Identity Center still lists the assignment/,
    );
  });

  it('one item of a sweep that fails for good is counted, alerted and skipped; the rest are still reconciled', async () => {
    const { aws } = stand();
    const broken = await newRequest({ target, duration: '3s' });
    const fine = await newRequest({ target, duration: '3s' });
    const grants = [await activeGrant(broken.request), await activeGrant(fine.request)];
    for (const { handle } of grants) await terminate(handle.workflowId);
    await sleep(Math.max(...grants.map((grant) => grant.expiresAt)) + GRACE_MS + 200 - Date.now());
    // Identity Center refuses this one person's deletion, every time (a 4xx the SDK does not retry).
    aws.inject('DeleteAccountAssignment', 1_000, async (call, forward) =>
      call.input.PrincipalId === broken.userId
        ? awsError(400, 'AccessDeniedException', 'injected: not allowed to delete this assignment')(call, forward)
        : forward(),
    );
    let summary: ReconcileSummary;
    try {
      summary = await runReconcile();
    } finally {
      aws.clearFaults();
    }

    const errors = summary.findings.filter((f) => f.kind === 'error');
    assert.equal(summary.errors, 1, JSON.stringify(errors));
    assert.equal(errors.length, 1);
    assert.equal(errors[0].requestId, broken.request.requestId);
    assert.match(errors[0].detail, /AccessDenied/);
    assert.ok(
      summary.findings.some((f) => f.kind === 'overdue_revoked' && f.requestId === fine.request.requestId),
      'the item after the failing one was still reconciled',
    );
    assert.equal(await assigned(fine.userId), false);
    assert.equal(await assigned(broken.userId), true);
    const records = await recordsIn(mongoUrl);
    assert.equal((await records.grant(fine.request.requestId))?.state, 'revoked');
    assert.equal((await records.grant(broken.request.requestId))?.state, 'active');
    await eventually(
      async () => alertsMentioning('Reconcile could not finish', grants[0].handle.workflowId),
      (found) => found.length === 1,
      { timeoutMs: 30_000 },
    );

    const next = await runReconcile();
    assert.equal(next.errors, 0, JSON.stringify(next.findings));
    assert.ok(next.findings.some((f) => f.kind === 'overdue_revoked' && f.requestId === broken.request.requestId));
    assert.equal(await assigned(broken.userId), false, 'the next sweep tried again and revoked it');
  });

  it('two overlapping leases of one person: a terminated one hands over to the live one, which removes the assignment at its end', async () => {
    const { request: first, userId } = await newRequest({ target, duration: '5s' });
    const second: AccessRequest = { ...first, requestId: randomUUID(), duration: '25s' };
    const earlier = await activeGrant(first);
    const later = await activeGrant(second);
    await terminate(earlier.handle.workflowId);
    await sleep(earlier.expiresAt + GRACE_MS + 200 - Date.now());
    assert.ok(Date.now() < later.expiresAt - 5_000, 'the test needs the second lease live during the sweep');

    const summary = await runReconcile();
    const finding = summary.findings.find((f) => f.requestId === first.requestId);
    assert.equal(finding?.kind, 'overdue_handed_over', JSON.stringify(summary.findings));
    assert.equal(await assigned(userId), true, 'the live lease keeps the assignment');
    const records = await recordsIn(mongoUrl);
    const record = await records.grant(first.requestId);
    assert.equal(record?.state, 'revoked');
    assert.equal(record?.revokedBy, 'keycard-reconciler');
    assert.equal(
      record?.revokeReason,
      `expired; access continues under ${later.handle.workflowId} until ${new Date(later.expiresAt).toISOString()}`,
    );
    const handover = (await records.events(first.requestId)).find((e) => e.details?.handedOverTo);
    assert.equal(handover?.type, 'revoked');
    assert.equal(handover?.details?.handedOverTo, later.handle.workflowId);
    assert.equal((await records.grant(second.requestId))?.state, 'active');

    // The live lease's own workflow ends it at its expiry, and the assignment with it.
    const ended = await later.handle.result();
    assert.equal(ended.state, 'revoked');
    assert.equal(ended.revokeReason, 'expired');
    assert.equal(await assigned(userId), false);
  });

  it('the lease that takes over an overdue assignment: active until later, or approved and being granted; never one awaiting approval', async () => {
    const records = await recordsIn(mongoUrl);
    const principalId = `lease-${randomUUID()}`;
    const now = new Date();
    const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
    const base = {
      requester: { slackUserId: 'U0LEASE', email: 'lease@example.com' },
      reason: 'lease test',
      target,
      targetKey: `${target.accountId}/${target.permissionSetArn}`,
      duration: '1h',
      principalId,
      identityCenterRequests: {},
      version: 2,
      updatedAt: now,
    };
    const grant = (name: string, fields: Partial<GrantRecord>): GrantRecord => {
      const requestId = `${principalId}-${name}`;
      return { _id: requestId, requestId, workflowId: `prod-access-${requestId}`, state: 'active', ...base, ...fields };
    };
    const overdue = grant('overdue', { state: 'active', expiresAt: at(-60_000) });
    await records.grants.insertMany([
      overdue,
      grant('also-overdue', { state: 'active', expiresAt: at(-30_000) }),
      grant('awaiting-approval', { state: 'pending' }),
      grant('other-person', { state: 'active', expiresAt: at(3_600_000), principalId: `${principalId}-x` }),
    ]);
    assert.equal(await records.liveLeaseOn(overdue, overdue.targetKey, now), undefined, 'nothing live: revoke');

    await records.grants.insertOne(grant('being-granted', { state: 'pending', approver: 'U0APPROVER' }));
    assert.equal(
      (await records.liveLeaseOn(overdue, overdue.targetKey, now))?.workflowId,
      `prod-access-${principalId}-being-granted`,
    );

    await records.grants.insertMany([
      grant('live', { state: 'active', expiresAt: at(600_000) }),
      grant('live-longer', { state: 'active', expiresAt: at(1_200_000) }),
    ]);
    const successor = await records.liveLeaseOn(overdue, overdue.targetKey, now);
    assert.equal(successor?.workflowId, `prod-access-${principalId}-live-longer`);
    assert.equal(successor?.expiresAt?.getTime(), at(1_200_000).getTime());
    await records.grants.deleteMany({ principalId: { $in: [principalId, `${principalId}-x`] } });
  });

  it('every worker down past the expiry: the reconciler revokes the grant itself and tells its workflow, which ends revoked when a worker is back', async () => {
    const { aws, devServer } = stand();
    const { request, userId } = await newRequest({ target, duration: '3s' });
    const own = await startWorker(devServer.env, { mongoUrl });
    let back: TestWorker | undefined;
    try {
      const { handle, expiresAt } = await activeGrant(request, own.taskQueue);
      await own.stop();

      // Past the expiry and the grace but not RECONCILE_OVERDUE_REVOKE: only an alert, as before.
      await sleep(expiresAt + GRACE_MS + 200 - Date.now());
      const early = await runReconcile();
      if (Date.now() < expiresAt + OVERDUE_REVOKE_MS) {
        assert.equal(early.findings.find((f) => f.requestId === request.requestId)?.kind, 'overdue_running');
        assert.equal(await assigned(userId), true);
      }

      await sleep(expiresAt + OVERDUE_REVOKE_MS + 200 - Date.now());
      const summary = await runReconcile();
      const finding = summary.findings.find((f) => f.requestId === request.requestId);
      assert.equal(finding?.kind, 'overdue_forced', JSON.stringify(summary.findings));
      assert.match(finding?.detail ?? '', /its workflow is still running/);
      assert.equal(await assigned(userId), false, 'revoked while no worker runs');
      const records = await recordsIn(mongoUrl);
      const record = await records.grant(request.requestId);
      assert.equal(record?.state, 'revoked');
      assert.equal(record?.revokedBy, 'keycard-reconciler');
      const event = (await records.events(request.requestId)).find((e) => e.type === 'revoked_by_reconciler');
      assert.match(event?.reason ?? '', /RECONCILE_OVERDUE_REVOKE/);
      await eventually(
        async () => alertsMentioning(handle.workflowId, 'revoked it and told its workflow'),
        (found) => found.length === 1,
        { timeoutMs: 30_000 },
      );

      back = await startWorker(devServer.env, { mongoUrl, taskQueue: own.taskQueue });
      const ended = await handle.result();
      assert.equal(ended.state, 'revoked');
      assert.equal(ended.revokedBy, 'keycard-reconciler', 'the workflow ended on the signal');
      assert.equal(await assigned(userId), false);
      const creations = aws.callsOf('CreateAccountAssignment').filter((call) => call.input.PrincipalId === userId);
      assert.equal(creations.length, 1, 'no second assignment');
      assert.equal((await records.grant(request.requestId))?.revokedBy, 'keycard-reconciler');
    } finally {
      await back?.stop();
      await own.stop();
    }
  });

  it('standing access in enforce mode is removed only on its second sighting, RECONCILE_GRACE after the first', async () => {
    const intruder = await createIdentityStoreUser(`in-flight-${randomUUID().slice(0, 6)}@example.com`);
    await assignDirectly(intruder);
    const first = await runReconcile('enforce');
    assert.ok(first.findings.some((f) => f.kind === 'drift' && f.principalId === intruder));
    assert.equal(first.driftRemoved, 0);
    assert.equal(await assigned(intruder), true, 'first sight: reported only (it may be a grant in flight)');
    await eventually(
      async () => alertsMentioning('Standing access found', intruder),
      (found) => found.length === 1,
      { timeoutMs: 30_000 },
    );

    await sleep(GRACE_MS + 200);
    const second = await runReconcile('enforce');
    assert.equal(second.driftRemoved, 1);
    assert.equal(await assigned(intruder), false);
    const records = await recordsIn(mongoUrl);
    assert.equal(await records.audit.countDocuments({ type: 'drift_found', 'details.principalId': intruder }), 1);
    assert.equal(await records.audit.countDocuments({ type: 'drift_removed', 'details.principalId': intruder }), 1);
    assert.equal(await records.drift.countDocuments({ 'details.principalId': intruder }), 0);
  });

  it('a grant whose assignment was removed by hand is marked changed outside Keycard, audited and alerted once', async () => {
    const { request, userId } = await newRequest({ target, duration: '1h' });
    const { handle } = await activeGrant(request);
    await unassignByHand(userId);
    assert.equal(await assigned(userId), false);

    const summary = await runReconcile();
    const finding = summary.findings.find((f) => f.requestId === request.requestId);
    assert.equal(finding?.kind, 'changed_outside_keycard', JSON.stringify(summary.findings));
    const records = await recordsIn(mongoUrl);
    const record = await records.grant(request.requestId);
    assert.equal(record?.state, 'active');
    assert.match(record?.changedOutsideKeycard?.detail ?? '', /removed outside Keycard/);
    assert.ok(record?.changedOutsideKeycard?.at instanceof Date);

    const again = await runReconcile();
    assert.ok(!again.findings.some((f) => f.requestId === request.requestId), 'marked once, not found again');
    const events = (await records.events(request.requestId)).filter((e) => e.type === 'changed_outside_keycard');
    assert.equal(events.length, 1);
    assert.equal(events[0].actor, 'keycard-reconciler');
    await eventually(
      async () => alertsMentioning(handle.workflowId, 'changed outside Keycard'),
      (found) => found.length === 1,
      { timeoutMs: 30_000 },
    );
    await sleep(500);
    assert.equal(alertsMentioning(handle.workflowId, 'changed outside Keycard').length, 1, 'alerted once');

    await handle.signal('revoke', { by: 'ops', reason: 'test done' });
    assert.equal((await handle.result()).state, 'revoked', 'the grant still ends normally');
  });

  it("a two-account grant is Keycard's in each account: no standing access; one account removed by hand is named", async () => {
    const { request, userId } = await newRequest({ ...forCatalogTarget(twoAccounts), duration: '1h' });
    const { handle } = await activeGrant(request);
    const records = await recordsIn(mongoUrl);
    const record = await records.grant(request.requestId);
    assert.deepEqual(record?.targets, [target, checkout]);
    assert.equal(record?.targetKey, 'reconcile-two');
    assert.deepEqual(await Promise.all([assigned(userId), isAssignedInMoto(userId, checkout)]), [true, true]);

    const summary = await runReconcile();
    assert.deepEqual(
      summary.findings.filter((f) => f.principalId === userId),
      [],
      'both assignments belong to the live grant',
    );

    await unassignInMoto(checkout, userId);
    const changed = await runReconcile();
    const mine = changed.findings.filter((f) => f.requestId === request.requestId);
    assert.deepEqual(
      mine.map((f) => [f.kind, f.target]),
      [['changed_outside_keycard', targetKey(checkout)]],
      JSON.stringify(changed.findings),
    );
    assert.match(mine[0].detail, new RegExp(`on ${CHECKOUT_ACCOUNT}/`));

    await handle.signal('revoke', { by: 'ops', reason: 'test done' });
    assert.equal((await handle.result()).state, 'revoked');
    assert.deepEqual(await Promise.all([assigned(userId), isAssignedInMoto(userId, checkout)]), [false, false]);
  });

  it('a terminated two-account grant is revoked in each account, except where a later lease of the person holds the pair', async () => {
    const { request: first, userId } = await newRequest({ ...forCatalogTarget(twoAccounts), duration: '5s' });
    // A later lease of the same person on one of the pairs only, under its own `<account>/<permission set>` key.
    const second: AccessRequest = { ...first, requestId: randomUUID(), target: checkout, duration: '25s' };
    delete second.catalogTarget;
    const earlier = await activeGrant(first);
    const later = await activeGrant(second);
    await terminate(earlier.handle.workflowId);
    await sleep(earlier.expiresAt + GRACE_MS + 200 - Date.now());
    assert.ok(Date.now() < later.expiresAt - 5_000, 'the test needs the second lease live during the sweep');

    const summary = await runReconcile();
    const findings = summary.findings
      .filter((f) => f.requestId === first.requestId)
      .map((f) => [f.kind, f.target])
      .sort();
    assert.deepEqual(
      findings,
      [
        ['overdue_handed_over', targetKey(checkout)],
        ['overdue_revoked', targetKey(target)],
      ],
      JSON.stringify(summary.findings),
    );
    assert.equal(await assigned(userId), false, 'removed where nothing else holds it');
    assert.equal(await isAssignedInMoto(userId, checkout), true, 'the later lease keeps its pair');
    const records = await recordsIn(mongoUrl);
    const record = await records.grant(first.requestId);
    assert.equal(record?.state, 'revoked');
    assert.equal(record?.revokedBy, 'keycard-reconciler');
    assert.match(
      record?.revokeReason ?? '',
      new RegExp(`access continues under ${later.handle.workflowId} until .* on ${CHECKOUT_ACCOUNT}/`),
    );

    const ended = await later.handle.result();
    assert.equal(ended.state, 'revoked');
    assert.equal(await isAssignedInMoto(userId, checkout), false, 'the later lease removes its pair at its end');
  });

  it('a two-account revoke that did not hold in one account is caught and redone there, and only there', async () => {
    const { aws } = stand();
    const { request, userId } = await newRequest({ ...forCatalogTarget(twoAccounts), duration: '1h' });
    const { handle } = await activeGrant(request);
    // Identity Center lies about the checkout account only: its deletion "succeeds" and its listing shows nothing.
    const lie = `injected-${randomUUID()}`;
    const answer = (value: unknown) => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: Buffer.from(JSON.stringify(value)),
    });
    aws.inject('DeleteAccountAssignment', 2, async (call, forward) =>
      call.input.TargetId === CHECKOUT_ACCOUNT
        ? answer({ AccountAssignmentDeletionStatus: { RequestId: lie, Status: 'IN_PROGRESS' } })
        : forward(),
    );
    aws.inject('DescribeAccountAssignmentDeletionStatus', 20, async (call, forward) =>
      call.input.AccountAssignmentDeletionRequestId === lie
        ? answer({ AccountAssignmentDeletionStatus: { RequestId: lie, Status: 'SUCCEEDED' } })
        : forward(),
    );
    aws.inject('ListAccountAssignmentsForPrincipal', 20, async (call, forward) =>
      (call.input.Filter as { AccountId?: string } | undefined)?.AccountId === CHECKOUT_ACCOUNT
        ? answer({ AccountAssignments: [] })
        : forward(),
    );
    await handle.signal('revoke', { by: 'ops', reason: 'done' });
    assert.equal((await handle.result()).state, 'revoked');
    aws.clearFaults();
    assert.deepEqual(
      await Promise.all([assigned(userId), isAssignedInMoto(userId, checkout)]),
      [false, true],
      'the lie left the checkout access in place',
    );

    const summary = await runReconcile();
    assert.deepEqual(
      summary.findings.filter((f) => f.requestId === request.requestId).map((f) => [f.kind, f.target]),
      [['revoke_redone', targetKey(checkout)]],
      JSON.stringify(summary.findings),
    );
    assert.equal(await isAssignedInMoto(userId, checkout), false);
    const records = await recordsIn(mongoUrl);
    const redone = (await records.events(request.requestId)).filter((event) => event.type === 'revoke_redone');
    assert.equal(redone.length, 1);
    assert.match(redone[0].reason ?? '', new RegExp(`still lists the assignment on ${CHECKOUT_ACCOUNT}/`));
  });

  it('`keycard reconcile` gives the same result with the Temporal server stopped', async () => {
    const own = await startDevServer();
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: own.address });
    const ownWorker = await startWorker(env, { mongoUrl });
    const { request, userId } = await newRequest({ target, duration: '2s' });
    const handle = await startAccessRequest(env.client, ownWorker.taskQueue, request, testSigner(env));
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
          PROTECTED_PRINCIPALS: `${emergencyAdmin},${automation.userId}`,
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
    assert.equal(clean.code, 0, `a second run finds nothing to act on: ${clean.stdout}`);
    const cleanSummary = JSON.parse(clean.stdout) as ReconcileSummary;
    assert.ok(
      cleanSummary.findings.every(
        (f) => f.kind === 'protected' && [emergencyAdmin, automation.userId].includes(f.principalId),
      ),
      'only the protected assignments are reported, and alone they do not make the exit code 1',
    );
  });

  it('`keycard reconcile` exits 2 when an item of the sweep failed, and its summary names it', async () => {
    const { aws, devServer } = stand();
    aws.inject('ListAccountAssignments', 1_000, awsError(400, 'AccessDeniedException', 'injected: no listing'));
    const result = await run(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/keycard.js'), 'reconcile', '--json', '--dry-run'],
      {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: devServer.address,
          MONGODB_URL: mongoUrl,
          ...identityCenterEnv(target),
          RECONCILE_ALLOW: allowed,
          PROTECTED_PRINCIPALS: `${emergencyAdmin},${automation.userId}`,
        },
      },
    )
      .then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      )
      .finally(() => aws.clearFaults());
    assert.equal(result.code, 2, result.stderr);
    const summary = JSON.parse(result.stdout) as ReconcileSummary;
    assert.equal(summary.errors, 1);
    const error = summary.findings.find((f) => f.kind === 'error');
    assert.match(error?.detail ?? '', /checking .*AccessDenied/);
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
