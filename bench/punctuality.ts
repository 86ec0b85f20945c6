/**
 * Revocation punctuality, measured against Identity Center's own view (its answer to each deletion), not the workflow's:
 * Keycard's durable timers against the sweep-based design of the original article, on the same workload.
 */
import { CreateAccountAssignmentCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { randomUUID } from 'node:crypto';
import { GrantRecords, type GrantRecord } from '../src/services/records';
import { targetKey, type Target } from '../src/domain/grant';
import { startAccessRequest } from '../src/requests';
import { createIdentityCenter } from '../src/runtime/identityCenter';
import { statusQuery } from '../src/workflows/definitions';
import type { Client } from '@temporalio/client';
import { recordsIn } from '../test/support/keycard';
import { AWS_REGION, awsClientConfig, stand, type Stand, createIdentityStoreUser } from '../test/support/stand';
import { testSigner } from '../test/support/keycard';

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function distribution(samplesMs: number[]): Distribution {
  const missing = samplesMs.filter((sample) => !Number.isFinite(sample)).length;
  if (missing > 0) throw new Error(`${missing} of ${samplesMs.length} samples were not observed`);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

/**
 * When Identity Center accepted each principal's deletion, as the AWS proxy in front of moto saw the answer go back
 * (moto completes deletions at once, so this is the SUCCEEDED time). Nothing polls moto while the bench runs.
 */
function deletionTimes(principals: Iterable<string>): Map<string, number> {
  const wanted = new Set(principals);
  const times = new Map<string, number>();
  for (const call of stand().aws.callsOf('DeleteAccountAssignment')) {
    const principal = String(call.input.PrincipalId);
    if (call.status === 200 && wanted.has(principal) && !times.has(principal)) times.set(principal, call.at);
  }
  return times;
}

async function users(count: number, prefix: string): Promise<{ email: string; principalId: string }[]> {
  const made: { email: string; principalId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${prefix}-${i}-${randomUUID().slice(0, 6)}@example.com`;
    made.push({ email, principalId: await createIdentityStoreUser(email) });
  }
  return made;
}

/**
 * Keycard: every grant's own durable timer, run by the worker on `taskQueue`. Grants expire spread over `spreadMs`,
 * starting 20 s from now.
 */
export async function keycardRevokeLateness(
  grants: number,
  spreadMs: number,
  target: Target,
  client: Client,
  taskQueue: string,
): Promise<Distribution> {
  const people = await users(grants, 'punctual');
  const handles = await Promise.all(
    people.map(async (person, i) => {
      const duration = `${Math.round(20_000 + (spreadMs * i) / grants)}ms`;
      return startAccessRequest(
        client,
        taskQueue,
        {
          requestId: randomUUID(),
          requester: { slackUserId: `UB${i}`, email: person.email },
          reason: 'benchmark',
          target,
          duration,
          approvedBy: 'bench',
          requestedAt: new Date().toISOString(),
          principalId: person.principalId,
        },
        testSigner(),
      );
    }),
  );
  const expiries = new Map<string, number>();
  for (const [i, handle] of handles.entries()) {
    for (;;) {
      const status = await handle.query(statusQuery);
      if (status.expiresAt) {
        expiries.set(people[i].principalId, Date.parse(status.expiresAt));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await Promise.all(handles.map((handle) => handle.result()));
  const deleted = deletionTimes(expiries.keys());
  return distribution(
    [...expiries].map(([principal, expiresAt]) => (deleted.get(principal) ?? Number.NaN) - expiresAt),
  );
}

/** The article's design: grants in a table, a sweep every `sweepEveryMs` revokes what has expired. */
export async function sweepRevokeLateness(
  grants: number,
  spreadMs: number,
  sweepEveryMs: number,
  target: Target,
  benchStand: Stand,
): Promise<Distribution> {
  const records: GrantRecords = await recordsIn(benchStand.mongoUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_bench_sweep$2'));
  const people = await users(grants, 'swept');
  const sso = new SSOAdminClient(awsClientConfig(benchStand.motoUrl));
  const start = Date.now() + 20_000;
  const expiries = new Map<string, number>();
  for (const [i, person] of people.entries()) {
    await sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: benchStand.seed.instanceArn,
        TargetId: target.accountId,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: target.permissionSetArn,
        PrincipalType: 'USER',
        PrincipalId: person.principalId,
      }),
    );
    const expiresAt = new Date(start + (spreadMs * i) / grants);
    expiries.set(person.principalId, expiresAt.getTime());
    const requestId = `swept-${i}-${randomUUID()}`;
    const record: GrantRecord = {
      _id: requestId,
      requestId,
      workflowId: 'none',
      requester: { slackUserId: `US${i}`, email: person.email },
      reason: 'benchmark',
      target,
      targetKey: targetKey(target),
      duration: '20s',
      state: 'active',
      principalId: person.principalId,
      expiresAt,
      identityCenterRequests: {},
      version: 1,
      updatedAt: new Date(),
    };
    await records.grants.insertOne(record);
  }
  const identityCenter = createIdentityCenter({
    region: AWS_REGION,
    endpoint: benchStand.aws.endpoint,
    instanceArn: benchStand.seed.instanceArn,
    identityStoreId: benchStand.seed.identityStoreId,
    pollIntervalMs: 200,
  });
  // The sweep starts at a random phase, as a cron job would relative to the grants.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * sweepEveryMs));
  while (deletionTimes(expiries.keys()).size < grants) {
    for (const grant of await records.overdueGrants(new Date())) {
      await identityCenter.unassign(grant.target, grant.principalId as string, {
        onProgress: () => undefined,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      });
      await records.grants.updateOne({ _id: grant.requestId }, { $set: { state: 'revoked', revokedAt: new Date() } });
    }
    if (deletionTimes(expiries.keys()).size >= grants) break;
    await new Promise((resolve) => setTimeout(resolve, sweepEveryMs));
  }
  const deleted = deletionTimes(expiries.keys());
  return distribution(
    [...expiries].map(([principal, expiresAt]) => (deleted.get(principal) ?? Number.NaN) - expiresAt),
  );
}

/**
 * A `revoke` signal's punctuality (the test suite only checks that it revokes): from the signal sent to Identity
 * Center's answer to the deletion, for `grants` active grants revoked one after another on the dev server.
 */
export async function revokeSignalLatency(
  grants: number,
  target: Target,
  client: Client,
  taskQueue: string,
): Promise<Distribution> {
  const people = await users(grants, 'signalled');
  const signalledAt = new Map<string, number>();
  for (const [i, person] of people.entries()) {
    const handle = await startAccessRequest(
      client,
      taskQueue,
      {
        requestId: randomUUID(),
        requester: { slackUserId: `US${i}`, email: person.email },
        reason: 'benchmark',
        target,
        duration: '1h',
        approvedBy: 'bench',
        requestedAt: new Date().toISOString(),
        principalId: person.principalId,
      },
      testSigner(),
    );
    while ((await handle.query(statusQuery)).state !== 'active') {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    signalledAt.set(person.principalId, Date.now());
    await handle.signal('revoke', { by: 'bench', reason: 'signal latency' });
    await handle.result();
  }
  const deleted = deletionTimes(signalledAt.keys());
  return distribution([...signalledAt].map(([principal, at]) => (deleted.get(principal) ?? Number.NaN) - at));
}
