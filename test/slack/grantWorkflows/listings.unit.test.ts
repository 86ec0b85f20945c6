/**
 * The visibility queries the Slack side sends, and what it makes of the answers, against a fake Temporal client.
 */
import assert from 'node:assert/strict';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { GrantStatus } from '../../../src/domain/grant';
import { FrontDoorKey } from '../../../src/services/frontDoor';
import { TEST_SIGNING_KEY } from '../../support/configEnv';
import { createGrantWorkflows } from '../../../src/slack/grantWorkflows';
import { searchAttributes } from '../../../src/workflows/definitions';
import { grantStatus, REQUESTER } from '../../views/grantStatus';
import { quietLogger } from '../listeners/fakes';

const TARGET_KEY = '123456789012/arn:aws:sso:::permissionSet/ssoins-1/ps-admin';

function execution(workflowId: string, attributes: Record<string, unknown>, startTime: string, running = true) {
  const byName = new Map(Object.entries(attributes));
  return {
    workflowId,
    startTime: new Date(startTime),
    status: { name: running ? 'RUNNING' : 'COMPLETED' },
    typedSearchAttributes: { get: (key: { name: string }) => byName.get(key.name) },
  } as unknown as WorkflowExecutionInfo;
}

function temporalListing(executions: WorkflowExecutionInfo[], statuses: Record<string, GrantStatus> = {}) {
  const queries: string[] = [];
  const temporal = {
    workflow: {
      list: ({ query }: { query: string }) => {
        queries.push(query);
        return (async function* () {
          yield* executions;
        })();
      },
      getHandle: (workflowId: string) => ({
        query: async () => {
          if (!statuses[workflowId]) throw new Error('no status');
          return statuses[workflowId];
        },
      }),
    },
  } as unknown as Client;
  return {
    grants: createGrantWorkflows({
      temporal,
      taskQueue: 'keycard',
      logger: quietLogger(),
      frontDoor: new FrontDoorKey(TEST_SIGNING_KEY),
    }),
    queries,
  };
}

const state = searchAttributes.state.name;
const requester = searchAttributes.requester.name;
const target = searchAttributes.target.name;

describe('grants from Temporal’s visibility', function () {
  it('finds a running pending or active lease of this person on this target', async () => {
    const { grants, queries } = temporalListing([
      execution('prod-access-aaaaaaaa', { [state]: 'active' }, '2026-01-05T10:00:00Z'),
    ]);
    assert.deepEqual(await grants.existingLease('alice@example.com', [TARGET_KEY]), {
      workflowId: 'prod-access-aaaaaaaa',
      state: 'active',
    });
    assert.deepEqual(queries, [
      `ExecutionStatus = 'Running' AND ${state} IN ("pending", "active") AND ${requester} = "alice@example.com"` +
        ` AND ${target} = "${TARGET_KEY}"`,
    ]);
  });

  it('looks for a lease by the catalog key, then by the form grants started before the catalog published', async () => {
    const { grants, queries } = temporalListing([]);
    assert.equal(await grants.existingLease('alice@example.com', ['prod-admin', TARGET_KEY, 'prod-admin']), undefined);
    assert.deepEqual(
      queries.map((query) => query.split(' AND ').at(-1)),
      [`${target} = "prod-admin"`, `${target} = "${TARGET_KEY}"`],
      'each form once',
    );
  });

  it('lists a person’s pending requests, running ones only', async () => {
    const { grants, queries } = temporalListing([
      execution('prod-access-aaaaaaaa', { [state]: 'pending' }, '2026-01-05T10:00:00Z'),
    ]);
    assert.deepEqual(await grants.pendingOf('alice@example.com'), ['prod-access-aaaaaaaa']);
    assert.deepEqual(queries, [
      `ExecutionStatus = 'Running' AND ${state} = "pending" AND ${requester} = "alice@example.com"`,
    ]);
  });

  it('ignores an execution whose state moved on since visibility indexed it', async () => {
    const { grants } = temporalListing([
      execution('prod-access-aaaaaaaa', { [state]: 'revoked' }, '2026-01-05T10:00:00Z'),
    ]);
    assert.equal(await grants.existingLease('alice@example.com', [TARGET_KEY]), undefined);
  });

  it('refuses to query by a value with quotes rather than let it change the query', async () => {
    const { grants, queries } = temporalListing([]);
    await assert.rejects(grants.existingLease(`x" OR "1"="1`, [TARGET_KEY]), /refusing a visibility query value/);
    assert.deepEqual(queries, []);
  });

  it('lists a person’s active grants for the App Home from search attributes alone', async () => {
    const expiresAt = new Date('2026-01-05T14:00:00Z');
    const { grants, queries } = temporalListing([
      execution(
        'prod-access-aaaaaaaa',
        { [state]: 'active', [searchAttributes.expiresAt.name]: expiresAt, [target]: TARGET_KEY },
        '2026-01-05T10:00:00Z',
      ),
    ]);
    assert.deepEqual(await grants.liveGrantsOf('alice@example.com'), [
      { workflowId: 'prod-access-aaaaaaaa', expiresAt, target: TARGET_KEY },
    ]);
    assert.deepEqual(queries, [`${state} = "active" AND ${requester} = "alice@example.com"`]);
  });

  it('lists the newest first, filled in from each status, or from search attributes when it does not answer', async () => {
    const { grants, queries } = temporalListing(
      [
        execution(
          'prod-access-older000',
          { [state]: 'active', [requester]: 'bob@example.com' },
          '2026-01-04T10:00:00Z',
          false,
        ),
        execution('prod-access-newer000', { [state]: 'pending' }, '2026-01-05T10:00:00Z'),
        execution('prod-access-oldest00', { [state]: 'revoked' }, '2026-01-03T10:00:00Z'),
      ],
      {
        'prod-access-newer000': grantStatus({
          state: 'active',
          approvedBy: 'U0APPROVER',
          grantedAt: '2026-01-05T10:01:00Z',
          expiresAt: '2026-01-05T14:01:00Z',
        }),
      },
    );
    const listed = await grants.listings({ state: 'active' }, 2);
    assert.deepEqual(queries, [`${state} = "active"`]);
    assert.deepEqual(listed, [
      {
        workflowId: 'prod-access-newer000',
        state: 'active',
        running: true,
        requesterEmail: 'alice@example.com',
        requesterSlackId: REQUESTER,
        target: TARGET_KEY,
        reason: 'checking the queue backlog',
        approver: 'U0APPROVER',
        requestedAt: new Date('2026-01-05T10:00:00Z'),
        grantedAt: '2026-01-05T10:01:00Z',
        expiresAt: '2026-01-05T14:01:00Z',
        endedAt: undefined,
      },
      {
        workflowId: 'prod-access-older000',
        state: 'active',
        running: false,
        requesterEmail: 'bob@example.com',
        target: undefined,
        approver: undefined,
        requestedAt: new Date('2026-01-04T10:00:00Z'),
        expiresAt: undefined,
      },
    ]);
  });
});
