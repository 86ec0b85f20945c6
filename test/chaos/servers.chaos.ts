/**
 * The servers under Keycard fail: the Temporal dev server killed and restarted on its database while grants wait;
 * the store (FerretDB) hung across an expiry; the store down for a grant's whole life. Each scenario has its own
 * server to break, on a file, so a restart keeps the data.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { OwnFerretDb, OwnTemporal, WorkerProcess } from '../support/chaosStand';
import { eventually } from '../support/keycard';
import { stand } from '../support/stand';
import { statusQuery } from '../../src/workflows/definitions';
import { scenario, seconds, sleep, type ScenarioRun, type TrackedGrant } from './harness';

const queue = (name: string) => `chaos-${name}-${randomUUID().slice(0, 8)}`;

/** The expiry the workflow itself reports (the status query needs no store). */
async function expiryOf(grant: TrackedGrant): Promise<number> {
  const expiresAt = await eventually(
    async () => (await grant.handle?.query(statusQuery))?.expiresAt,
    (value) => value !== undefined,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return Date.parse(expiresAt as string);
}

/** A supervisor's job (systemd, Kubernetes): a worker that exited is started again, and the report says so. */
async function keepRunning(run: ScenarioRun, worker: WorkerProcess): Promise<void> {
  if (worker.running()) return;
  run.note(
    `the worker exited while its server was away; started again as a supervisor would:\n${worker.log().slice(-400)}`,
  );
  await worker.start();
}

describe('chaos: the servers under Keycard fail', function () {
  scenario(
    'Temporal dev server killed and restarted on its database during waits',
    'SIGKILL of the dev server while 4 grants wait, 2 of them expiring while it is down; restarted on the same file 12 s later',
    240_000,
    async (run) => {
      const temporal = await OwnTemporal.start();
      run.onCleanup(() => temporal.stop());
      const connection = await Connection.connect({ address: temporal.address });
      run.onCleanup(() => connection.close());
      const client = new Client({ connection });
      const taskQueue = queue('temporal');
      const worker = run.worker(
        await WorkerProcess.start({
          name: 'worker-temporal-down',
          temporalAddress: temporal.address,
          mongoUrl: run.mongoUrl,
          taskQueue,
        }),
      );
      const grants: TrackedGrant[] = [];
      for (const duration of ['10s', '12s', '30s', '35s']) {
        grants.push(await run.newGrant('operator', `${duration} grant`, { duration }));
      }
      await Promise.all(grants.map((grant) => run.start(client, taskQueue, grant)));
      await Promise.all(grants.map((grant) => run.assigned(grant)));
      const firstExpiry = Math.min(...(await Promise.all(grants.map(expiryOf))));
      await sleep(Math.max(0, firstExpiry - Date.now() - 3_000));
      await temporal.kill();
      const killedAt = Date.now();
      await sleep(12_000);
      await temporal.restart();
      run.note(`the dev server was down for ${seconds(Date.now() - killedAt)}, from 3 s before the first expiry`);
      await sleep(2_000);
      await keepRunning(run, worker);
      await run.ended(client, 150_000);
      for (const grant of run.grants) {
        run.expect(grant.status?.state === 'revoked', `${grant.workflowId} ended ${grant.status?.state}, not revoked`);
      }
      await run.checkInvariants();
    },
  );

  scenario(
    "the store hung (SIGSTOP) from 5 s before a grant's expiry until 60 s after",
    'FerretDB SIGSTOPped 5 s before the expiry, SIGCONT 60 s after it',
    300_000,
    async (run) => {
      const { client } = stand().devServer.env;
      const store = await OwnFerretDb.start();
      run.onCleanup(() => store.stop());
      run.mongoUrl = store.url('keycard_chaos');
      const taskQueue = queue('store-hung');
      run.worker(
        await WorkerProcess.start({
          name: 'worker-store-hung',
          temporalAddress: stand().devServer.address,
          mongoUrl: run.mongoUrl,
          taskQueue,
        }),
      );
      const grant = await run.newGrant('operator', 'expiring while the store hangs', { duration: '15s' });
      await run.start(client, taskQueue, grant);
      await run.assigned(grant);
      const expiresAt = await expiryOf(grant);
      await sleep(Math.max(0, expiresAt - 5_000 - Date.now()));
      store.freeze();
      run.note(`FerretDB frozen ${seconds(expiresAt - Date.now())} before the expiry`);
      await sleep(Math.max(0, expiresAt + 60_000 - Date.now()));
      const stillAssignedWhenThawed = run.watcher.isListed(grant.principalId);
      store.thaw();
      run.note(`FerretDB thawed ${seconds(Date.now() - expiresAt)} after the expiry`);
      const goneAt = run.watcher.sighting(grant.principalId).goneAt;
      const lateness = goneAt === undefined ? undefined : goneAt - expiresAt;
      run.expect(
        !stillAssignedWhenThawed && lateness !== undefined && lateness <= 2_000,
        stillAssignedWhenThawed
          ? 'the assignment was still there when the store came back, 60 s after the expiry (the revoke waited for MongoDB)'
          : `the assignment was gone ${seconds(lateness)} after the expiry; the bound is 2 s`,
      );
      await run.ended(client, 150_000);
      run.expect(grant.status?.state === 'revoked', `the workflow ended ${grant.status?.state}, not revoked`);
      await run.checkInvariants({ catchUpMs: 120_000 });
    },
  );

  scenario(
    "the store down for a grant's whole life",
    'FerretDB SIGKILLed before the request; restarted once the grant has ended (or 60 s later)',
    300_000,
    async (run) => {
      const { client } = stand().devServer.env;
      const store = await OwnFerretDb.start();
      run.onCleanup(() => store.stop());
      run.mongoUrl = store.url('keycard_chaos');
      const taskQueue = queue('store-down');
      run.worker(
        await WorkerProcess.start({
          name: 'worker-store-down',
          temporalAddress: stand().devServer.address,
          mongoUrl: run.mongoUrl,
          taskQueue,
        }),
      );
      await store.kill();
      const downAt = Date.now();
      const grant = await run.newGrant('operator', 'granted and revoked while the store is down', { duration: '8s' });
      await run.start(client, taskQueue, grant);
      await eventually(
        async () => run.watcher.sighting(grant.principalId).goneAt,
        (goneAt) => goneAt !== undefined,
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch(() => undefined);
      const sighting = run.watcher.sighting(grant.principalId);
      run.expect(
        sighting.firstSeenAt !== undefined,
        'nothing was granted while the store was down (60 s): the grant waited for MongoDB',
      );
      run.expect(
        sighting.goneAt !== undefined,
        sighting.firstSeenAt === undefined
          ? 'so nothing could be revoked while the store was down'
          : 'the grant was not revoked while the store was down',
      );
      await store.restart();
      run.note(`FerretDB was down for ${seconds(Date.now() - downAt)}`);
      const backAt = Date.now();
      await run.ended(client, 150_000);
      await run.checkInvariants({ catchUpMs: 120_000 });
      run.note(`the records had caught up ${seconds(Date.now() - backAt)} after the store came back`);
    },
  );
});
