/**
 * Workers die: SIGKILL inside `assign` and inside `unassign` while Identity Center answers IN_PROGRESS, and while a
 * grant waits for its expiry; and one of two workers on a task queue killed for good while grants are due.
 */
import { randomUUID } from 'node:crypto';
import { WorkerProcess } from '../support/chaosStand';
import { IdentityCenterChaos } from '../support/identityCenterChaos';
import { eventually } from '../support/keycard';
import { statusQuery } from '../../src/workflows/definitions';
import { stand } from '../support/stand';
import { scenario, seconds, sleep } from './harness';

describe('chaos: Keycard workers are killed', function () {
  scenario(
    'worker SIGKILLed inside assign, mid-wait and inside unassign (IN_PROGRESS), then restarted: both activities resume from their heartbeats',
    'SIGKILL of the only worker while a creation and a deletion are IN_PROGRESS and a grant waits; restart',
    300_000,
    async (run) => {
      const { client } = stand().devServer.env;
      const taskQueue = `chaos-kill-${randomUUID().slice(0, 8)}`;
      const chaos = (run.chaos = new IdentityCenterChaos().install());
      const worker = run.worker(
        await WorkerProcess.start({
          name: 'worker-killed',
          temporalAddress: stand().devServer.address,
          mongoUrl: run.mongoUrl,
          taskQueue,
        }),
      );
      const waiting = await run.newGrant('operator', 'waiting through the kill', { duration: '30s' });
      const revoking = await run.newGrant(
        'operator',
        'killed inside unassign (deletion held IN_PROGRESS until resumed)',
        {
          duration: '3s',
        },
      );
      const assigning = await run.newGrant('operator', 'killed inside assign', { duration: '3s' });
      chaos.hold(revoking.principalId, 'deletion');
      chaos.hold(assigning.principalId, 'creation');
      await run.start(client, taskQueue, waiting);
      await run.start(client, taskQueue, revoking);
      await Promise.all([run.assigned(waiting), run.assigned(revoking)]);
      await run.start(client, taskQueue, assigning);

      // Both changes accepted by Identity Center, polled IN_PROGRESS, and their request ids heartbeated.
      const requestIdOf = async (
        principalId: string,
        operation: 'CreateAccountAssignment' | 'DeleteAccountAssignment',
      ) =>
        (await eventually(
          async () => chaos.accepted(principalId, operation)[0]?.requestId,
          (id) => id !== undefined,
          { timeoutMs: 60_000 },
        )) as string;
      const creation = await requestIdOf(assigning.principalId, 'CreateAccountAssignment');
      const deletion = await requestIdOf(revoking.principalId, 'DeleteAccountAssignment');
      await eventually(
        async () => Math.min(chaos.pollsOf(creation).length, chaos.pollsOf(deletion).length),
        (polls) => polls >= 2,
        { timeoutMs: 30_000 },
      );
      await sleep(1_000);
      await worker.kill();
      const killedAt = Date.now();
      await worker.start();
      run.note(`worker killed; the restarted worker was ready ${seconds(worker.readyAt - killedAt)} later`);

      // The restarted worker's attempts poll the request ids the dead one heartbeated, instead of asking again.
      const resumed = await eventually(
        async () => ({
          creation: chaos.pollsOf(creation, worker.readyAt)[0]?.at,
          deletion: chaos.pollsOf(deletion, worker.readyAt)[0]?.at,
        }),
        (polls) => polls.creation !== undefined && polls.deletion !== undefined,
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      run.note(
        `after the restart, assign polled ${creation} again ${seconds((resumed.creation as number) - killedAt)} after the kill, ` +
          `unassign polled ${deletion} ${seconds((resumed.deletion as number) - killedAt)} after (heartbeat timeout 30 s)`,
      );
      run.note(
        "the deletion is held IN_PROGRESS (and reaches moto) only once the restarted unassign polled it: that grant's lateness is the heartbeat timeout, by construction",
      );
      chaos.release(assigning.principalId, 'creation');
      chaos.release(revoking.principalId, 'deletion');
      await run.ended(client, 120_000);

      const creates = chaos.accepted(assigning.principalId, 'CreateAccountAssignment').length;
      const deletes = chaos.accepted(revoking.principalId, 'DeleteAccountAssignment').length;
      run.note(
        `CreateAccountAssignment calls for the grant killed inside assign: ${creates}; DeleteAccountAssignment calls for the grant killed inside unassign: ${deletes}`,
      );
      run.expect(creates === 1, `the grant killed inside assign sent ${creates} CreateAccountAssignment calls, not 1`);
      run.expect(
        deletes === 1,
        `the grant killed inside unassign sent ${deletes} DeleteAccountAssignment calls, not 1`,
      );
      for (const grant of run.grants) {
        run.expect(grant.status?.state === 'revoked', `${grant.workflowId} ended ${grant.status?.state}, not revoked`);
      }
      run.note(`the grant waiting through the kill was revoked ${seconds(run.latenessOf(waiting))} after its expiry`);
      await run.checkInvariants();
    },
  );

  scenario(
    'two workers on one task queue, one SIGKILLed for good while grants are due',
    'SIGKILL of one of two workers just before the first of 6 expiries; never restarted',
    240_000,
    async (run) => {
      const { client } = stand().devServer.env;
      const taskQueue = `chaos-pair-${randomUUID().slice(0, 8)}`;
      const options = { temporalAddress: stand().devServer.address, mongoUrl: run.mongoUrl, taskQueue };
      const [doomed] = await Promise.all([
        WorkerProcess.start({ name: 'worker-doomed', ...options }).then((worker) => run.worker(worker)),
        WorkerProcess.start({ name: 'worker-survivor', ...options }).then((worker) => run.worker(worker)),
      ]);
      const grants = [];
      for (let index = 0; index < 6; index++)
        grants.push(await run.newGrant('operator', `grant ${index + 1}`, { duration: `${12 + index}s` }));
      await Promise.all(grants.map((grant) => run.start(client, taskQueue, grant)));
      await Promise.all(grants.map((grant) => run.assigned(grant)));
      const ended = (
        await Promise.all(grants.map(async (grant) => (await grant.handle?.query(statusQuery))?.expiresAt))
      )
        .filter((expiresAt): expiresAt is string => expiresAt !== undefined)
        .map((expiresAt) => Date.parse(expiresAt));
      const firstExpiry = Math.min(...ended);
      await sleep(Math.max(0, firstExpiry - Date.now() - 1_000));
      const doomedIdentity = `${doomed.pid()}@`;
      await doomed.kill();
      run.note(`one worker SIGKILLed ${seconds(firstExpiry - Date.now())} before the first expiry; the other ran on`);
      await run.ended(client, 150_000);
      let ranOnDoomed = 0;
      for (const grant of run.grants) {
        run.expect(grant.status?.state === 'revoked', `${grant.workflowId} ended ${grant.status?.state}, not revoked`);
        const history = await client.workflow.getHandle(grant.workflowId).fetchHistory();
        const identities = (history.events ?? []).map(
          (event) =>
            event.workflowTaskStartedEventAttributes?.identity ?? event.activityTaskStartedEventAttributes?.identity,
        );
        if (identities.some((identity) => identity?.startsWith(doomedIdentity))) ranOnDoomed += 1;
      }
      run.note(`${ranOnDoomed} of the ${run.grants.length} grants had run tasks on the killed worker before it died`);
      await run.checkInvariants();
    },
  );
});
