/**
 * Identity Center misbehaves: 30 % of calls throttled, 5 % answered 500, 2 s added to every answer, and one grant's
 * creation IN_PROGRESS for a minute; and a grant whose workflow was terminated, revoked by the reconciler.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { statusQuery } from '../../src/workflows/definitions';
import { WorkerProcess } from '../support/chaosStand';
import { IdentityCenterChaos } from '../support/identityCenterChaos';
import { eventually, recordsIn } from '../support/keycard';
import { PROJECT_ROOT } from '../support/processes';
import { identityCenterEnv, stand } from '../support/stand';
import { scenario, seconds, sleep, type TrackedGrant } from './harness';
import { TEST_SIGNING_KEY } from '../support/configEnv';

describe('chaos: Identity Center misbehaves', function () {
  scenario(
    'Identity Center at 30 % throttling, 5 % 500s, 2 s latency, one status IN_PROGRESS for a minute',
    '30 % ThrottlingException, 5 % InternalServerException, +2 s on every call; one creation IN_PROGRESS for 60 s',
    300_000,
    async (run) => {
      const { client } = stand().devServer.env;
      const taskQueue = `chaos-aws-${randomUUID().slice(0, 8)}`;
      const chaos = (run.chaos = new IdentityCenterChaos().install());
      run.worker(
        await WorkerProcess.start({
          name: 'worker-aws-faults',
          temporalAddress: stand().devServer.address,
          mongoUrl: run.mongoUrl,
          taskQueue,
        }),
      );
      const slow = await run.newGrant('operator', 'creation IN_PROGRESS for a minute', { duration: '10s' });
      const grants: TrackedGrant[] = [slow];
      for (let index = 0; index < 5; index++) {
        grants.push(await run.newGrant('operator', `grant ${index + 1}`, { duration: `${8 + 2 * index}s` }));
      }
      chaos.hold(slow.principalId, 'creation', { forMs: 60_000 });
      chaos.rates = { throttle: 0.3, serverError: 0.05, latencyMs: 2_000 };
      const requestedAt = Date.now();
      await Promise.all(grants.map((grant) => run.start(client, taskQueue, grant)));
      await run.ended(client, 240_000);
      chaos.rates = { throttle: 0, serverError: 0, latencyMs: 0 };
      const injected = chaos.injectedCount();
      run.note(
        `Identity Center calls: ${chaos.calls.length}, of them ${injected.throttled} throttled, ${injected.error500} answered 500, ${injected.held} answered IN_PROGRESS by the hold`,
      );
      const heldSince = chaos.accepted(slow.principalId, 'CreateAccountAssignment')[0]?.at ?? requestedAt;
      const grantedAt = Date.parse(slow.status?.grantedAt ?? '');
      const expiresAt = Date.parse(slow.status?.expiresAt ?? '');
      run.note(
        `the IN_PROGRESS grant was reported granted ${seconds(grantedAt - heldSince)} after Identity Center accepted it`,
      );
      run.expect(
        grantedAt - heldSince >= 59_000,
        `granted ${seconds(grantedAt - heldSince)} after the creation, before Identity Center said SUCCEEDED`,
      );
      run.expect(
        expiresAt - grantedAt === 10_000,
        `the expiry timer starts at the confirmation: expiresAt - grantedAt = ${expiresAt - grantedAt} ms`,
      );
      for (const grant of run.grants) {
        run.expect(grant.status?.state === 'revoked', `${grant.label} ended ${grant.status?.state}, not revoked`);
      }
      await run.checkInvariants();
    },
  );

  scenario(
    "a grant's workflow terminated, then revoked by the reconciler",
    'the grant workflow terminated while active; `keycard reconcile --mode enforce` run after its expiry',
    180_000,
    async (run) => {
      const { client } = stand().devServer.env;
      const taskQueue = `chaos-terminated-${randomUUID().slice(0, 8)}`;
      run.worker(
        await WorkerProcess.start({
          name: 'worker-terminated',
          temporalAddress: stand().devServer.address,
          mongoUrl: run.mongoUrl,
          taskQueue,
        }),
      );
      const grant = await run.newGrant('reconciler', 'workflow terminated while active', { duration: '6s' });
      await run.start(client, taskQueue, grant);
      await run.assigned(grant);
      const records = await recordsIn(run.mongoUrl);
      await eventually(
        async () => (await records.grant(grant.request.requestId))?.state,
        (state) => state === 'active',
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      grant.status = await grant.handle?.query(statusQuery);
      await grant.handle?.terminate('chaos: an operator terminated the grant workflow');
      const expiresAt = Date.parse(grant.status?.expiresAt as string);
      await sleep(Math.max(0, expiresAt + 1_500 - Date.now()));
      const sweepAt = Date.now();
      const sweep = await reconcile(run.mongoUrl);
      run.note(
        `keycard reconcile ran ${seconds(sweepAt - expiresAt)} after the expiry (grace 1 s) and exited ${sweep.code}: revoked ${sweep.summary?.revoked}`,
      );
      run.expect(sweep.summary?.revoked === 1, `the sweep revoked ${sweep.summary?.revoked} grants, not 1`);
      await run.checkInvariants();
    },
  );
});

async function reconcile(mongoUrl: string): Promise<{ code: number; summary?: { revoked: number } }> {
  const env = {
    PATH: process.env.PATH,
    ...identityCenterEnv(),
    KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
    MONGODB_URL: mongoUrl,
    TEMPORAL_ADDRESS: stand().devServer.address,
    RECONCILE_GRACE: '1s',
  };
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'keycard.js'), 'reconcile', '--mode', 'enforce', '--json'],
      { env, cwd: PROJECT_ROOT, timeout: 90_000 },
    );
    return { code: 0, summary: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    let summary: { revoked: number } | undefined;
    try {
      summary = JSON.parse(failed.stdout ?? '');
    } catch {
      summary = undefined;
    }
    return { code: failed.code ?? -1, summary };
  }
}
