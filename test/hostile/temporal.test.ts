/**
 * Temporal access alone grants nothing: one row per forgery, sent with the real `temporal` CLI as someone who can
 * write to the namespace (or reach the Web UI) would send it. Each row asserts what the CLI was told, that nothing
 * changed (state, expiry, Identity Center), that the audit trail has a `refused` event and that an alert went out.
 * Revoking needs no proof: the last rows end access with a bare signal.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { grantWorkflowId, type AccessRequest, type FrontDoorProof } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { FrontDoorKey } from '../../src/services/frontDoor';
import { approveUpdate, statusQuery } from '../../src/workflows/definitions';
import { visibleText } from '../support/fakeSlack';
import {
  eventually,
  forCatalogTarget,
  isAssignedInMoto,
  newRequest,
  newSlackRequest,
  records,
  sendUpdate,
  TEST_APPROVER_CHANNEL,
  testFrontDoor,
  testSigner,
  twoAccountTarget,
  workerWithSlackForBlock,
} from '../support/keycard';
import { APPROVER } from '../support/slackStand';
import { stand } from '../support/stand';
import { temporalWithInput, workflowTaskFailures } from '../support/temporalCli';

describe('Temporal access alone grants nothing: forgeries through the temporal CLI', function () {
  const world = workerWithSlackForBlock();
  const client = () => stand().devServer.env.client;

  /** The alert about `workflowId` in the approvers' channel (alerts of grants without Slack routing go there too). */
  async function alertAbout(workflowId: string): Promise<string> {
    const alert = await eventually(
      async () =>
        world.slack.messagesIn(TEST_APPROVER_CHANNEL).find((message) => visibleText(message).includes(workflowId)),
      (found) => found !== undefined,
    );
    return visibleText(alert!);
  }

  /** The `refused` events of a grant, once they are in the trail. */
  async function refusedEvents(requestId: string, count = 1) {
    return eventually(
      async () => (await (await records()).events(requestId)).filter((event) => event.type === 'refused'),
      (found) => found.length >= count,
    );
  }

  /** A start straight through Temporal: `temporal workflow start --type prodAccess` with this input. */
  async function startByHand(input: AccessRequest & { proof?: unknown }) {
    const { ok, output } = await temporalWithInput(
      ['start', '--type', 'prodAccess', '--task-queue', world.worker.taskQueue, '-w', grantWorkflowId(input.requestId)],
      JSON.stringify(input),
    );
    assert.equal(ok, true, output);
    return client().workflow.getHandle(grantWorkflowId(input.requestId));
  }

  /** Checks a start by hand was refused: failed, naming why, never assigned, audited and alerted. */
  async function refusedStart(handle: WorkflowHandle, request: AccessRequest, userId: string, problem: RegExp) {
    const final = await handle.result();
    assert.equal(final.state, 'failed');
    assert.match(final.failureReason ?? '', /^refused: /);
    assert.match(final.failureReason ?? '', problem);
    assert.equal(final.approvedBy, undefined, 'an unproven approver is not kept as the approver');
    assert.equal(await isAssignedInMoto(userId), false, 'nothing assigned');
    const { events } = await handle.fetchHistory();
    const activities = (events ?? []).map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name);
    assert.ok(!activities.includes('assign') && !activities.includes('principalForEmail'), 'Identity Center untouched');
    const [refused] = await refusedEvents(request.requestId);
    assert.match(refused.reason ?? '', problem);
    assert.equal(refused.actor, request.requester.email);
    assert.match(await alertAbout(handle.workflowId), /Keycard refused to ask for access/);
    assert.equal(await workflowTaskFailures(handle), 0);
  }

  const startRows: {
    name: string;
    forge: (request: AccessRequest) => Promise<AccessRequest & { proof?: unknown }>;
    problem: RegExp;
  }[] = [
    {
      name: 'approvedBy in its own input and no proof (the instant grant)',
      forge: async (request) => request,
      problem: /no proof from Keycard's front door/,
    },
    {
      name: 'a made-up proof',
      forge: async (request) => ({
        ...request,
        proof: { signer: 'slack', issuedAt: new Date().toISOString(), nonce: randomUUID(), mac: 'A'.repeat(43) },
      }),
      problem: /does not match/,
    },
    {
      name: 'a real proof of a request without approvedBy, with approvedBy added',
      forge: async (request) => {
        const asked = { ...request, approvedBy: undefined };
        const workflowId = grantWorkflowId(request.requestId);
        const proof = testFrontDoor.sign({ action: 'request', workflowId, payload: asked }, 'slack');
        return { ...request, proof };
      },
      problem: /does not match/,
    },
    {
      name: 'a real proof of a one-account catalog request, with a second account added after signing',
      forge: async (request) => {
        const { catalogTarget } = twoAccountTarget();
        const asked = { ...request, ...forCatalogTarget({ ...catalogTarget, accounts: [catalogTarget.accounts[0]] }) };
        const workflowId = grantWorkflowId(request.requestId);
        const proof = testFrontDoor.sign({ action: 'request', workflowId, payload: asked }, 'slack');
        return { ...asked, ...forCatalogTarget(catalogTarget), proof };
      },
      problem: /does not match/,
    },
    {
      name: "another request's real proof",
      forge: async (request) => {
        const other = { ...request, requestId: randomUUID() };
        const proof = testFrontDoor.sign(
          { action: 'request', workflowId: grantWorkflowId(other.requestId), payload: other },
          'slack',
        );
        return { ...request, proof };
      },
      problem: /does not match/,
    },
    {
      name: 'a proof signed with another key',
      forge: async (request) => {
        const workflowId = grantWorkflowId(request.requestId);
        const proof = new FrontDoorKey('not-the-workers-key-0123456789abcdef').sign(
          { action: 'request', workflowId, payload: request },
          'slack',
        );
        return { ...request, proof };
      },
      problem: /does not match/,
    },
    {
      name: 'a real proof made 10 minutes before the start',
      forge: async (request) => {
        const workflowId = grantWorkflowId(request.requestId);
        const proof = testFrontDoor.sign(
          { action: 'request', workflowId, payload: request },
          'slack',
          new Date(Date.now() - 10 * 60_000),
        );
        return { ...request, proof };
      },
      problem: /too long before the request started/,
    },
  ];
  for (const row of startRows) {
    it(`a start with ${row.name}: refused, nothing assigned, audited and alerted`, async () => {
      const { request, userId } = await newRequest({ duration: '1h' });
      const handle = await startByHand(await row.forge(request));
      await refusedStart(handle, request, userId, row.problem);
    });
  }

  /** A pending Slack request, started through the front door, once its approval message went out. */
  async function pendingRequest() {
    const { request, userId } = await newSlackRequest();
    const handle = await startAccessRequest(client(), world.worker.taskQueue, request, testSigner());
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.approvers !== undefined,
    );
    return { request, userId, handle };
  }

  /** An active grant (approved before it started, signed), and its expiry. */
  async function activeGrant() {
    const { request, userId } = await newRequest({ duration: '1h' });
    const handle = await startAccessRequest(client(), world.worker.taskQueue, request, testSigner());
    const status = await eventually(
      () => handle.query(statusQuery),
      (current) => current.state === 'active',
    );
    return { request, userId, handle, expiresAt: status.expiresAt as string };
  }

  async function snapshot(handle: WorkflowHandle) {
    const status = await handle.query(statusQuery);
    return { state: status.state, expiresAt: status.expiresAt, pendingExtension: status.pendingExtension };
  }

  /** Sends `input` as `update` with the temporal CLI and checks the refusal, the unchanged grant, audit and alert. */
  async function refusedUpdate(
    grant: { request: AccessRequest; userId: string; handle: WorkflowHandle },
    update: 'approve' | 'deny' | 'extend',
    input: unknown,
    problem: RegExp,
    refusedBefore = 0,
  ) {
    const before = await snapshot(grant.handle);
    const assigned = await isAssignedInMoto(grant.userId);
    const { ok, output } = await temporalWithInput(
      ['update', 'execute', '-w', grant.handle.workflowId, '--name', update],
      JSON.stringify(input),
    );
    assert.equal(ok, false, `the CLI reports the refusal: ${output.slice(0, 300)}`);
    assert.match(output, new RegExp(`Keycard refused this ${update}`));
    assert.match(output, problem);
    assert.deepEqual(await snapshot(grant.handle), before, 'nothing changed');
    assert.equal(await isAssignedInMoto(grant.userId), assigned, 'Identity Center unchanged');
    const refused = await refusedEvents(grant.request.requestId, refusedBefore + 1);
    assert.match(refused[refusedBefore].reason ?? '', new RegExp(`^${update} refused: `));
    assert.match(await alertAbout(grant.handle.workflowId), /Keycard refused to/);
    assert.equal(await workflowTaskFailures(grant.handle), 0);
  }

  it("an approve with an approver's id and no proof, on one's own pending request: refused, still pending", async () => {
    const grant = await pendingRequest();
    await refusedUpdate(grant, 'approve', { by: APPROVER }, /no proof from Keycard's front door/);
    // The front door's own approval still works afterwards.
    await sendUpdate(grant.handle, approveUpdate, { by: APPROVER });
    await eventually(
      () => grant.handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    assert.equal((await grant.handle.result()).state, 'revoked');
  });

  it('a deny with no proof: refused, the request stays pending for a real decision', async () => {
    const grant = await pendingRequest();
    await refusedUpdate(grant, 'deny', { by: APPROVER, reason: 'forged denial' }, /no proof/);
    await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await grant.handle.result();
  });

  it("an approval proof taken from another grant's history, replayed here: refused", async () => {
    const other = await pendingRequest();
    const target = await pendingRequest();
    const { runId } = await other.handle.describe();
    const proof = testFrontDoor.sign(
      { action: 'approve', workflowId: other.handle.workflowId, runId, payload: { by: APPROVER } },
      'slack',
    );
    await refusedUpdate(target, 'approve', { by: APPROVER, proof }, /does not match/);
    for (const grant of [other, target]) await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
  });

  it('an extend with a made-up "by" (any non-Slack name once counted as an operator): refused, expiry unchanged', async () => {
    const grant = await activeGrant();
    await refusedUpdate(grant, 'extend', { by: 'ops', duration: '8h', reason: 'forged' }, /no proof/);
    assert.equal((await grant.handle.query(statusQuery)).expiresAt, grant.expiresAt);
    await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await grant.handle.result();
  });

  it("an extension request in the requester's name with no proof: refused, nothing asked of the approvers", async () => {
    const pending = await pendingRequest();
    await sendUpdate(pending.handle, approveUpdate, { by: APPROVER });
    await eventually(
      () => pending.handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const grant = pending;
    const by = grant.request.requester.slackUserId;
    await refusedUpdate(grant, 'extend', { by, duration: '1h', reason: 'forged ask' }, /no proof/);
    await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await grant.handle.result();
  });

  it('a real extension proof sent twice: the first moves the expiry, the replay is refused', async () => {
    const grant = await activeGrant();
    const { runId } = await grant.handle.describe();
    const payload = { by: 'ops', duration: '30m', reason: 'incident still open' };
    const proof: FrontDoorProof = testFrontDoor.sign(
      { action: 'extend', workflowId: grant.handle.workflowId, runId, payload },
      'cli:ops',
    );
    const first = await temporalWithInput(
      ['update', 'execute', '-w', grant.handle.workflowId, '--name', 'extend'],
      JSON.stringify({ ...payload, proof }),
    );
    assert.equal(first.ok, true, first.output);
    const moved = (await grant.handle.query(statusQuery)).expiresAt as string;
    assert.equal(Date.parse(moved), Date.parse(grant.expiresAt) + 30 * 60_000);
    await refusedUpdate({ ...grant }, 'extend', { ...payload, proof }, /used already/);
    await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await grant.handle.result();
  });

  it('an extend proof with the duration changed after signing: refused', async () => {
    const grant = await activeGrant();
    const { runId } = await grant.handle.describe();
    const payload = { by: 'ops', duration: '30m', reason: 'incident still open' };
    const proof = testFrontDoor.sign(
      { action: 'extend', workflowId: grant.handle.workflowId, runId, payload },
      'cli:ops',
    );
    await refusedUpdate(grant, 'extend', { ...payload, duration: '8h', proof }, /does not match/);
    await grant.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await grant.handle.result();
  });

  it('revoking needs no proof: a bare `temporal workflow signal --name revoke` ends an active grant', async () => {
    const grant = await activeGrant();
    const { ok, output } = await temporalWithInput(
      ['signal', '-w', grant.handle.workflowId, '--name', 'revoke'],
      JSON.stringify({ by: 'oncall', reason: 'ending access is always safe' }),
    );
    assert.equal(ok, true, output);
    const final = await grant.handle.result();
    assert.deepEqual([final.state, final.revokedBy], ['revoked', 'oncall']);
    assert.equal(await isAssignedInMoto(grant.userId), false);
  });

  it('revoking needs no proof: a bare revoke signal withdraws a pending request', async () => {
    const grant = await pendingRequest();
    const { ok, output } = await temporalWithInput(
      ['signal', '-w', grant.handle.workflowId, '--name', 'revoke'],
      JSON.stringify({ by: 'oncall', reason: 'not needed' }),
    );
    assert.equal(ok, true, output);
    const final = await grant.handle.result();
    assert.deepEqual([final.state, final.ending], ['revoked', 'withdrawn']);
  });
});
