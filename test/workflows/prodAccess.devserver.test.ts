/**
 * The grant lifecycle on the Temporal dev server, driven the way operators drive it: with the real temporal CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { targetKey } from '../../src/domain/grant';
import { startAccessRequest } from '../../src/requests';
import { searchAttributes, statusQuery } from '../../src/workflows/definitions';
import {
  eventually,
  isAssignedInMoto,
  newRequest,
  records,
  startWorker,
  type TestWorker,
  testSigner,
} from '../support/keycard';
import { PROJECT_ROOT, tool } from '../support/processes';
import { TEST_SIGNING_KEY } from '../support/configEnv';
import { stand } from '../support/stand';

const run = promisify(execFile);

/** Runs the temporal CLI exactly as the README shows it, pointed at the stand's dev server. */
async function temporal(...args: string[]): Promise<string> {
  const { stdout } = await run(tool('temporal'), [...args, '--address', stand().devServer.address], {
    timeout: 30_000,
  });
  return stdout;
}

describe('a grant on the dev server, operated with the temporal CLI', function () {
  let worker: TestWorker;

  before(async () => {
    worker = await startWorker(stand().devServer.env);
  });
  after(async () => {
    await worker?.stop();
  });

  async function activeGrant(duration = '1h') {
    const { request, userId } = await newRequest({ duration });
    const handle = await startAccessRequest(
      stand().devServer.env.client,
      worker.taskQueue,
      request,
      testSigner(stand().devServer.env),
    );
    const status = await eventually(
      () => handle.query(statusQuery),
      (current) => current.state !== 'pending',
    );
    assert.equal(status.state, 'active');
    assert.equal(await isAssignedInMoto(userId), true);
    return { request, userId, handle };
  }

  // How fast a signal removes the assignment is the bench's question (`npm run bench -- --only revoke`), not this test's.
  it('`temporal workflow signal --name revoke` removes the assignment and records who and why', async () => {
    const { request, userId, handle } = await activeGrant();
    await temporal(
      'workflow',
      'signal',
      '-w',
      `prod-access-${request.requestId}`,
      '--name',
      'revoke',
      '--input',
      '{"by":"ops","reason":"done"}',
    );
    await eventually(
      () => isAssignedInMoto(userId),
      (assigned) => !assigned,
    );
    const final = await handle.result();
    assert.equal(final.state, 'revoked');
    assert.equal(final.ending, 'revoked');
    const grant = await (await records()).grant(request.requestId);
    assert.equal(grant?.state, 'revoked');
    assert.equal(grant?.revokedBy, 'ops');
    assert.equal(grant?.revokeReason, 'done');
    const events = await (await records()).events(request.requestId);
    assert.deepEqual(
      events.map((event) => [event.type, event.actor, event.reason]),
      [
        ['requested', request.requester.email, request.reason],
        ['granted', 'keycard', request.reason],
        ['revoked', 'ops', 'done'],
      ],
    );
  });

  it('`temporal workflow cancel` revokes the grant too', async () => {
    const { request, userId, handle } = await activeGrant();
    await temporal('workflow', 'cancel', '-w', `prod-access-${request.requestId}`);
    await assert.rejects(handle.result(), /cancel/i);
    assert.equal(await isAssignedInMoto(userId), false);
    const grant = await (await records()).grant(request.requestId);
    assert.equal(grant?.state, 'revoked');
    assert.equal(grant?.revokedBy, 'temporal');
    assert.equal(grant?.revokeReason, 'workflow cancelled');
  });

  it('`temporal workflow query --name status` shows the state, requester, target, reason, expiry and history', async () => {
    const { request, handle } = await activeGrant();
    const output = await temporal(
      'workflow',
      'query',
      '-w',
      `prod-access-${request.requestId}`,
      '--name',
      'status',
      '-o',
      'json',
    );
    const status = JSON.parse(output).queryResult[0];
    assert.equal(status.state, 'active');
    assert.equal(status.requester.email, request.requester.email);
    assert.deepEqual(status.target, request.target);
    assert.equal(status.reason, request.reason);
    assert.ok(Date.parse(status.expiresAt) > Date.now());
    assert.deepEqual(
      status.history.map((entry: { type: string }) => entry.type),
      ['requested', 'granted'],
    );
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
  });

  it('search attributes follow the grant: ProdAccessState is active while granted, revoked after', async () => {
    const { request, handle } = await activeGrant();
    const query = `WorkflowId="prod-access-${request.requestId}" AND ProdAccessState="active"`;
    const listed = await eventually(
      () => temporal('workflow', 'list', '--query', query, '-o', 'json'),
      (output) => output.includes(request.requestId),
    );
    assert.ok(listed.includes(request.requestId));
    const description = await handle.describe();
    const attributes = description.typedSearchAttributes;
    assert.equal(attributes.get(searchAttributes.requester), request.requester.email);
    assert.equal(attributes.get(searchAttributes.target), targetKey(request.target));
    assert.ok(attributes.get(searchAttributes.expiresAt) instanceof Date);
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
    await eventually(
      () =>
        temporal(
          'workflow',
          'list',
          '--query',
          `WorkflowId="prod-access-${request.requestId}" AND ProdAccessState="revoked"`,
          '-o',
          'json',
        ),
      (output) => output.includes(request.requestId),
    );
  });

  // How late after the expiry a revoke lands is measured by the bench's scale section, not here.
  it('a worker stopped during the wait and started again still revokes, never before the expiry', async () => {
    const { devServer } = stand();
    const restartable = await startWorker(devServer.env);
    const { request, userId } = await newRequest({ duration: '8s' });
    const handle = await startAccessRequest(
      devServer.env.client,
      restartable.taskQueue,
      request,
      testSigner(devServer.env),
    );
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await restartable.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(await isAssignedInMoto(userId), true, 'still granted while no worker runs');
    const replacement = await startWorker(devServer.env, { taskQueue: restartable.taskQueue });
    try {
      const final = await handle.result();
      assert.equal(final.state, 'revoked');
      assert.equal(final.revokeReason, 'expired');
      const lateness = Date.parse(final.revokedAt as string) - Date.parse(active.expiresAt as string);
      assert.ok(lateness >= 0, `revoked ${-lateness} ms before the expiry`);
      assert.equal(await isAssignedInMoto(userId), false);
    } finally {
      await replacement.stop();
    }
  });

  it('`keycard extend` (signed with KEYCARD_SIGNING_KEY) moves the expiry, and Mongo, the UI and the audit follow', async () => {
    const { request, handle } = await activeGrant('1h');
    const before = Date.parse((await handle.query(statusQuery)).expiresAt as string);
    const cli = await run(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'bin/keycard.js'),
        'extend',
        request.requestId,
        '--duration',
        '1h',
        '--reason',
        'incident still open',
        '--by',
        'ops',
      ],
      {
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: stand().devServer.address,
          KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
        },
        timeout: 30_000,
      },
    );
    assert.match(cli.stdout, new RegExp(`extended prod-access-${request.requestId} by 1h: access now ends at `));
    const status = await handle.query(statusQuery);
    assert.equal(Date.parse(status.expiresAt as string), before + 3_600_000);
    const grant = await eventually(
      async () => (await records()).grant(request.requestId),
      (found) => found?.expiresAt?.getTime() === before + 3_600_000,
    );
    assert.equal(grant?.state, 'active');
    // The grant's record is written before its audit event: wait for the event itself.
    const extended = await eventually(
      async () => (await (await records()).events(request.requestId)).find((event) => event.type === 'extended'),
      (found) => found !== undefined,
    );
    assert.equal(extended?.actor, 'ops');
    assert.equal(extended?.reason, 'incident still open');
    const attributes = (await handle.describe()).typedSearchAttributes;
    assert.equal(attributes.get(searchAttributes.expiresAt)?.getTime(), before + 3_600_000);
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
  });

  it('`temporal workflow list --query \'ProdAccessState="active"\'` lists the live grants and no ended one', async () => {
    const live = await activeGrant();
    const ended = await activeGrant();
    await ended.handle.signal('revoke', { by: 'test', reason: 'ended' });
    await ended.handle.result();
    const listed = await eventually(
      () => temporal('workflow', 'list', '--query', 'ProdAccessState="active"', '-o', 'json'),
      (output) => output.includes(live.request.requestId) && !output.includes(ended.request.requestId),
    );
    assert.ok(listed.includes(`prod-access-${live.request.requestId}`));
    await live.handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await live.handle.result();
  });

  it('Identity Center activities run on the rate-limited <task queue>-identity-center queue', async () => {
    const { handle } = await activeGrant();
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? [])
      .map((event) => event.activityTaskScheduledEventAttributes)
      .filter((attributes) => attributes)
      .map((attributes) => [attributes?.activityType?.name, attributes?.taskQueue?.name]);
    const identityCenterQueue = `${worker.taskQueue}-identity-center`;
    assert.deepEqual(
      scheduled.filter(([name]) => name === 'assign' || name === 'unassign' || name === 'principalForEmail'),
      [
        ['principalForEmail', identityCenterQueue],
        ['assign', identityCenterQueue],
        ['unassign', identityCenterQueue],
      ],
    );
    assert.ok(scheduled.some(([name, queue]) => name === 'recordEvent' && queue === worker.taskQueue));
  });
});
