/**
 * Anyone who reaches Temporal can send a grant workflow anything. Hostile signal, update and start inputs, sent with
 * the real `temporal` CLI: each is refused with a clear error or ignored, none fails a workflow task, and the grant
 * goes on as before.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { startAccessRequest } from '../../src/requests';
import { approveUpdate, statusQuery } from '../../src/workflows/definitions';
import {
  eventually,
  isAssignedInMoto,
  newRequest,
  newSlackRequest,
  records,
  testSigner,
  sendUpdate,
  workerWithSlackForBlock,
} from '../support/keycard';
import { temporalWithInput, workflowTaskFailures } from '../support/temporalCli';
import { APPROVER } from '../support/slackStand';
import { stand } from '../support/stand';

const MEGABYTE = 'x'.repeat(1024 * 1024);

describe('hostile inputs sent with the temporal CLI', function () {
  const world = workerWithSlackForBlock();
  let pending: WorkflowHandle;
  let active: WorkflowHandle;
  let activeUser: string;
  let expiresAt: string;
  let requesterSlackId: string;

  before(async () => {
    const { client } = stand().devServer.env;
    const waiting = await newSlackRequest();
    pending = await startAccessRequest(client, world.worker.taskQueue, waiting.request, testSigner());
    await eventually(
      () => pending.query(statusQuery),
      (status) => status.approvers !== undefined,
    );
    const granted = await newRequest({ duration: '1h' });
    requesterSlackId = granted.request.requester.slackUserId;
    activeUser = granted.userId;
    active = await startAccessRequest(client, world.worker.taskQueue, granted.request, testSigner());
    const status = await eventually(
      () => active.query(statusQuery),
      (current) => current.state === 'active',
    );
    expiresAt = status.expiresAt as string;
  });
  after(async () => {
    for (const handle of [pending, active])
      await handle?.signal('revoke', { by: 'test', reason: 'cleanup' }).catch(() => undefined);
  });

  const rows: { name: string; update: 'approve' | 'deny' | 'extend'; input: () => string; refusal: RegExp }[] = [
    { name: 'approve with null', update: 'approve', input: () => 'null', refusal: /A decision is an object/ },
    { name: 'approve with a number', update: 'approve', input: () => '42', refusal: /A decision is an object/ },
    {
      name: 'approve with an array',
      update: 'approve',
      input: () => '["U0APPROVER"]',
      refusal: /A decision is an object/,
    },
    { name: 'approve without "by"', update: 'approve', input: () => '{}', refusal: /needs "by"/ },
    {
      name: 'approve with a numeric "by"',
      update: 'approve',
      input: () => '{"by":7}',
      refusal: /"by" must be a string/,
    },
    {
      name: 'approve with a numeric reason',
      update: 'approve',
      input: () => JSON.stringify({ by: APPROVER, reason: 123 }),
      refusal: /"reason" must be a string/,
    },
    {
      name: 'approve by a 1 MB "by"',
      update: 'approve',
      input: () => JSON.stringify({ by: MEGABYTE }),
      refusal: /longer than 256 characters/,
    },
    {
      name: 'deny without a reason',
      update: 'deny',
      input: () => JSON.stringify({ by: APPROVER }),
      refusal: /Say why you deny/,
    },
    {
      name: 'deny with a 1 MB reason',
      update: 'deny',
      input: () => JSON.stringify({ by: APPROVER, reason: MEGABYTE }),
      refusal: /longer than 2000 characters/,
    },
    {
      name: 'extend by 0s',
      update: 'extend',
      input: () => '{"by":"ops","duration":"0s","reason":"x"}',
      refusal: /not a duration/,
    },
    {
      name: 'extend by 0.0001s',
      update: 'extend',
      input: () => '{"by":"ops","duration":"0.0001s","reason":"x"}',
      refusal: /not a duration/,
    },
    {
      name: 'extend by 999ms',
      update: 'extend',
      input: () => '{"by":"ops","duration":"999ms","reason":"x"}',
      refusal: /shorter than 1s/,
    },
    {
      name: 'extend by NaN',
      update: 'extend',
      input: () => '{"by":"ops","duration":"NaN","reason":"x"}',
      refusal: /not a duration/,
    },
    {
      name: 'extend by a number',
      update: 'extend',
      input: () => '{"by":"ops","duration":3600000,"reason":"x"}',
      refusal: /not a duration/,
    },
    {
      name: 'extend with no reason and an unknown field',
      update: 'extend',
      input: () => '{"by":"ops","duration":"1h","$where":"sleep(1000)"}',
      refusal: /Say why the access must last longer/,
    },
    {
      name: 'extend with a 1 MB reason',
      update: 'extend',
      input: () => JSON.stringify({ by: 'ops', duration: '1h', reason: MEGABYTE }),
      refusal: /longer than 2000 characters/,
    },
    {
      name: 'the requester asks to extend by 0.0001s',
      update: 'extend',
      input: () => JSON.stringify({ by: requesterSlackId, duration: '0.0001s', reason: 'more' }),
      refusal: /not a duration/,
    },
  ];

  for (const row of rows) {
    it(`${row.name}: refused with a clear error, nothing changes`, async () => {
      const handle = row.update === 'extend' ? active : pending;
      const { ok, output } = await temporalWithInput(
        ['update', 'execute', '-w', handle.workflowId, '--name', row.update],
        row.input(),
      );
      assert.equal(ok, false, `the CLI reports the refusal: ${output.slice(0, 300)}`);
      assert.match(output, row.refusal);
      const status = await handle.query(statusQuery);
      assert.equal(status.state, row.update === 'extend' ? 'active' : 'pending');
      if (row.update === 'extend') assert.equal(status.expiresAt, expiresAt);
      assert.equal(status.pendingExtension, undefined);
      assert.equal(await workflowTaskFailures(handle), 0);
    });
  }

  it('a pending request refused 9 hostile decisions can still be approved normally', async () => {
    const result = await sendUpdate(pending, approveUpdate, { by: APPROVER });
    assert.equal(result.state, 'active');
    await eventually(
      () => pending.query(statusQuery),
      (status) => status.state === 'active',
    );
    assert.equal(await workflowTaskFailures(pending), 0);
  });

  it('a revoke signal with the wrong types and unknown fields still revokes, and the audit says what was missing', async () => {
    const { ok, output } = await temporalWithInput(
      ['signal', '-w', active.workflowId, '--name', 'revoke'],
      JSON.stringify({ by: { nested: 1 }, reason: ['x'], extra: true }),
    );
    assert.equal(ok, true, output);
    const final = await active.result();
    assert.equal(final.state, 'revoked');
    assert.equal(final.revokedBy, 'unknown (revoke signal without "by")');
    assert.equal(await isAssignedInMoto(activeUser), false);
    assert.equal(await workflowTaskFailures(active), 0);
  });

  it('a revoke signal with a 1 MB reason revokes, and keeps a bounded reason', async () => {
    const { request, userId } = await newRequest({ duration: '1h' });
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      world.worker.taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const { ok, output } = await temporalWithInput(
      ['signal', '-w', handle.workflowId, '--name', 'revoke'],
      JSON.stringify({ by: 'ops', reason: MEGABYTE }),
    );
    assert.equal(ok, true, output);
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.ok((final.revokeReason ?? '').length <= 2_000);
    assert.equal(await isAssignedInMoto(userId), false);
    assert.equal(await workflowTaskFailures(handle), 0);
  });

  const starts: { name: string; input: (id: string) => unknown; problem: RegExp }[] = [
    {
      name: 'a duration that rounds to 0',
      input: (id) => ({ ...validStart(id), duration: '0.0001s' }),
      problem: /"duration": "0.0001s" is not a duration/,
    },
    {
      name: 'a numeric reason',
      input: (id) => ({ ...validStart(id), reason: 5 }),
      problem: /"reason" must be a string/,
    },
    { name: 'no target', input: (id) => ({ ...validStart(id), target: null }), problem: /"target.accountId"/ },
  ];
  for (const row of starts) {
    it(`a grant started by hand with ${row.name} ends failed, naming it, and assigns nothing`, async () => {
      const id = randomUUID();
      const { ok, output } = await temporalWithInput(
        ['start', '--type', 'prodAccess', '--task-queue', world.worker.taskQueue, '-w', `prod-access-${id}`],
        JSON.stringify(row.input(id)),
      );
      assert.equal(ok, true, output);
      const handle = stand().devServer.env.client.workflow.getHandle(`prod-access-${id}`);
      const final = await handle.result();
      assert.equal(final.state, 'failed');
      assert.match(final.failureReason ?? '', row.problem);
      assert.equal(await workflowTaskFailures(handle), 0);
      const grant = await eventually(
        async () => (await records()).grant(id),
        (found) => found !== null,
      );
      assert.equal(grant?.state, 'failed');
      const { events } = await handle.fetchHistory();
      const activities = (events ?? []).map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name);
      assert.ok(
        !activities.includes('assign') && !activities.includes('principalForEmail'),
        'Identity Center untouched',
      );
    });
  }

  function validStart(requestId: string) {
    const { seed } = stand();
    return {
      requestId,
      requester: { slackUserId: 'U0HAND', email: 'hand@example.com' },
      reason: 'started by hand',
      target: { accountId: seed.accountId, permissionSetArn: seed.permissionSetArn },
      approvedBy: 'ops',
      requestedAt: new Date().toISOString(),
    };
  }
});
