/**
 * Decisions and the early revoke as the Slack side asks Temporal for them, against a fake Temporal client: what
 * the clicker is told when the workflow refuses, is gone, or cannot be reached.
 */
import assert from 'node:assert/strict';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Decision, GrantStatus } from '../../../src/domain/grant';
import { withoutProof } from '../../../src/domain/proof';
import { FrontDoorKey } from '../../../src/services/frontDoor';
import { TEST_SIGNING_KEY } from '../../support/configEnv';
import { createGrantWorkflows } from '../../../src/slack/grantWorkflows';
import { APPROVER, grantStatus, REQUESTER, WORKFLOW_ID } from '../../views/grantStatus';
import { quietLogger } from '../listeners/fakes';

interface Handle {
  executeUpdate?: (update: { name: string }, options: { args: unknown[] }) => Promise<unknown>;
  query?: () => Promise<GrantStatus>;
  signal?: (signal: { name: string }, ...args: unknown[]) => Promise<void>;
}

function temporalWith(handle: Handle, calls: unknown[][] = []): Client {
  return {
    workflow: {
      getHandle: (workflowId: string, runId?: string) => ({
        describe: async () => ({ runId: RUN_ID }),
        executeUpdate: async (update: { name: string }, options: { args: unknown[] }) => {
          calls.push(['update', runId ? `${workflowId}/${runId}` : workflowId, update.name, ...options.args]);
          return handle.executeUpdate?.(update, options);
        },
        query: async () => {
          calls.push(['query', workflowId]);
          if (!handle.query) throw new WorkflowNotFoundError('not found', workflowId, undefined);
          return handle.query();
        },
        signal: async (signal: { name: string }, ...args: unknown[]) => {
          calls.push(['signal', workflowId, signal.name, ...args]);
          return handle.signal?.(signal, ...args);
        },
      }),
    },
  } as unknown as Client;
}

const RUN_ID = 'run-1';
const frontDoor = new FrontDoorKey(TEST_SIGNING_KEY);

const grantsOver = (temporal: Client) =>
  createGrantWorkflows({ temporal, taskQueue: 'keycard', logger: quietLogger(), frontDoor });

describe('decisions sent to a grant workflow', function () {
  it('delivers an approval as the `approve` update and reports no refusal', async () => {
    const calls: unknown[][] = [];
    const refusal = await grantsOver(temporalWith({}, calls)).approve(WORKFLOW_ID, { by: APPROVER });
    assert.equal(refusal, undefined);
    const [[kind, target, name, sent]] = calls as [[string, string, string, Decision]];
    assert.deepEqual(
      [kind, target, name, withoutProof(sent)],
      ['update', `${WORKFLOW_ID}/${RUN_ID}`, 'approve', { by: APPROVER }],
    );
    const check = { action: 'approve' as const, workflowId: WORKFLOW_ID, runId: RUN_ID, payload: { by: APPROVER } };
    const times = { runStartedAt: new Date(Date.now() - 60_000).toISOString(), now: new Date().toISOString() };
    assert.deepEqual(frontDoor.verify({ ...check, ...times, proof: sent.proof }), { ok: true, signer: 'slack' });
    assert.equal(frontDoor.verify({ ...check, ...times, runId: 'another-run', proof: sent.proof }).ok, false);
  });

  it('shows the validator’s own words when the workflow refuses', async () => {
    const temporal = temporalWith({
      executeUpdate: async () => {
        throw new WorkflowUpdateFailedError(
          'update failed',
          new Error('The requester cannot approve their own request.'),
        );
      },
    });
    assert.equal(
      await grantsOver(temporal).deny(WORKFLOW_ID, { by: REQUESTER, reason: 'x' }),
      'The requester cannot approve their own request.',
    );
  });

  it('says how a finished request ended, and who decided it', async () => {
    const temporal = temporalWith({
      executeUpdate: async () => {
        throw new WorkflowNotFoundError('workflow completed', WORKFLOW_ID, undefined);
      },
      query: async () => grantStatus({ state: 'denied', deniedBy: APPROVER }),
    });
    assert.equal(
      await grantsOver(temporal).approve(WORKFLOW_ID, { by: APPROVER }),
      `This request is no longer pending: denied (decided by ${APPROVER}).`,
    );
  });

  it('says a request that is gone no longer exists', async () => {
    const temporal = temporalWith({
      executeUpdate: async () => {
        throw new WorkflowNotFoundError('not found', WORKFLOW_ID, undefined);
      },
    });
    assert.equal(await grantsOver(temporal).approve(WORKFLOW_ID, { by: APPROVER }), 'This request no longer exists.');
  });

  it('asks to try again when Temporal cannot be reached', async () => {
    const temporal = temporalWith({
      executeUpdate: async () => {
        throw new Error('14 UNAVAILABLE: connection refused');
      },
    });
    assert.equal(
      await grantsOver(temporal).extend(WORKFLOW_ID, { by: REQUESTER, duration: '1h', reason: 'x' }),
      'Keycard could not record your decision just now. Try again in a minute.',
    );
  });

  it('refuses a button that carries no grant workflow id without asking Temporal', async () => {
    const calls: unknown[][] = [];
    assert.equal(
      await grantsOver(temporalWith({}, calls)).approve('', { by: APPROVER }),
      'This button does not belong to a Keycard request.',
    );
    assert.deepEqual(calls, []);
  });
});

describe('an early revoke from Slack', function () {
  const active = grantStatus({ state: 'active', approvedBy: APPROVER, expiresAt: '2026-01-05T14:00:00Z' });

  for (const [who, user] of [
    ['the requester', REQUESTER],
    ['an approver', APPROVER],
  ] as const) {
    it(`by ${who} sends the revoke signal with who and why`, async () => {
      const calls: unknown[][] = [];
      const refusal = await grantsOver(temporalWith({ query: async () => active }, calls)).revoke(WORKFLOW_ID, user);
      assert.equal(refusal, undefined);
      assert.deepEqual(calls.at(-1), ['signal', WORKFLOW_ID, 'revoke', { by: user, reason: 'revoked from Slack' }]);
    });
  }

  it('is taken while the request still waits (it is withdrawn)', async () => {
    const calls: unknown[][] = [];
    await grantsOver(temporalWith({ query: async () => grantStatus() }, calls)).revoke(WORKFLOW_ID, REQUESTER);
    assert.equal(calls.at(-1)?.[0], 'signal');
  });

  it('is refused to anyone else, and sends nothing', async () => {
    const calls: unknown[][] = [];
    const refusal = await grantsOver(temporalWith({ query: async () => active }, calls)).revoke(WORKFLOW_ID, 'U0OTHER');
    assert.equal(refusal, 'Only the requester or an approver can revoke this access.');
    assert.ok(!calls.some((call) => call[0] === 'signal'));
  });

  it('says there is nothing left to revoke once access ended, and how it ended', async () => {
    const ended = grantStatus({
      state: 'revoked',
      revokedBy: 'keycard',
      revokeReason: 'expired',
      revokedAt: '2026-01-05T14:00:00Z',
    });
    const refusal = await grantsOver(temporalWith({ query: async () => ended })).revoke(WORKFLOW_ID, REQUESTER);
    assert.equal(
      refusal,
      'This access has already ended (Access ended at 2026-01-05 14:00 UTC); there is nothing left to revoke.',
    );
  });

  it('says a grant that is gone no longer exists', async () => {
    assert.equal(await grantsOver(temporalWith({})).revoke(WORKFLOW_ID, REQUESTER), 'This grant no longer exists.');
  });

  it('points at the CLI when Temporal cannot be reached', async () => {
    const temporal = temporalWith({
      query: async () => {
        throw new Error('14 UNAVAILABLE');
      },
    });
    assert.equal(
      await grantsOver(temporal).revoke(WORKFLOW_ID, REQUESTER),
      'Keycard could not revoke just now. Try again, or ask an operator to run the CLI revoke.',
    );
  });
});
