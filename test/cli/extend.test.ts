/**
 * `keycard extend` as an operator runs it: a child process with the Temporal settings and KEYCARD_SIGNING_KEY only.
 * (Its success path, with the expiry followed into MongoDB, the UI and the audit, is in prodAccess.devserver.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { startAccessRequest } from '../../src/requests';
import { statusQuery } from '../../src/workflows/definitions';
import { TEST_SIGNING_KEY } from '../support/configEnv';
import { eventually, newRequest, startWorker, testSigner, type TestWorker } from '../support/keycard';
import { PROJECT_ROOT } from '../support/processes';
import { stand } from '../support/stand';

const run = promisify(execFile);

async function keycardExtend(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, [path.join(PROJECT_ROOT, 'bin/keycard.js'), 'extend', ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  }).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('keycard extend: what an operator is told', function () {
  let worker: TestWorker;
  const operatorEnv = () => ({ TEMPORAL_ADDRESS: stand().devServer.address, KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY });

  before(async () => {
    worker = await startWorker(stand().devServer.env);
  });
  after(async () => {
    await worker?.stop();
  });

  it('without KEYCARD_SIGNING_KEY: exit 2, naming the variable, and nothing sent', async () => {
    const result = await keycardExtend(
      { TEMPORAL_ADDRESS: stand().devServer.address },
      randomUUID(),
      '--duration',
      '1h',
      '--reason',
      'x',
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /KEYCARD_SIGNING_KEY is required/);
  });

  it("with a key other than the worker's: exit 1, refused by the workflow, the expiry unchanged", async () => {
    const { request } = await newRequest({ duration: '1h' });
    const handle = await startAccessRequest(stand().devServer.env.client, worker.taskQueue, request, testSigner());
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    const result = await keycardExtend(
      { ...operatorEnv(), KEYCARD_SIGNING_KEY: 'another-key-than-the-workers-0123456789' },
      request.requestId,
      '--duration',
      '1h',
      '--reason',
      'incident',
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /keycard: refused: Keycard refused this extend: its proof does not match/);
    assert.equal((await handle.query(statusQuery)).expiresAt, active.expiresAt);
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
  });

  it('on a grant that has ended: exit 1, saying how it ended', async () => {
    const { request } = await newRequest({ duration: '1h' });
    const handle = await startAccessRequest(stand().devServer.env.client, worker.taskQueue, request, testSigner());
    await eventually(
      () => handle.query(statusQuery),
      (status) => status.state === 'active',
    );
    await handle.signal('revoke', { by: 'test', reason: 'done' });
    await handle.result();
    const result = await keycardExtend(operatorEnv(), request.requestId, '--duration', '1h', '--reason', 'late');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`prod-access-${request.requestId} has ended \\(revoked\\)`));
  });

  it('on a request that does not exist: exit 1, "no grant"', async () => {
    const id = randomUUID();
    const result = await keycardExtend(operatorEnv(), id, '--duration', '1h', '--reason', 'x');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`no grant prod-access-${id}`));
  });
});
