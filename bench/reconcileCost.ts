/**
 * Reconcile cost with a long history: 100,000 grants that ended long ago and 10 overdue ones. The sweep's queries
 * must read the overdue ones, not the history. Documents read are counted from the MongoDB driver's command
 * monitoring (every find/getMore reply), so the figure is what crossed the wire, not an estimate.
 */
import { MongoClient, type CommandSucceededEvent } from 'mongodb';
import { Reconciler } from '../src/services/reconcile';
import { GrantRecords, type GrantRecord } from '../src/services/records';
import { targetKey } from '../src/domain/grant';
import { createLogger } from '../src/logger';
import { createIdentityCenter } from '../src/runtime/identityCenter';
import { AWS_REGION, type Stand } from '../test/support/stand';

export interface ReconcileCost {
  historicalGrants: number;
  overdueGrants: number;
  documentsRead: number;
  revoked: number;
  milliseconds: number;
  /** The overdue query alone, after the run (nothing overdue any more). */
  overdueQueryMilliseconds: number;
  overdueQueryPlan: string;
}

export async function reconcileCost(stand: Stand, historical = 100_000, overdue = 10): Promise<ReconcileCost> {
  const url = stand.mongoUrl.replace(/\/([^/?]+)(\?|$)/, '/$1_bench_reconcile$2');
  const client = new MongoClient(url, { monitorCommands: true });
  await client.connect();
  const records = new GrantRecords(client.db());
  await records.ensureIndexes();
  const target = { accountId: stand.seed.accountId, permissionSetArn: stand.seed.permissionSetArn };
  const base = Date.now() - 400 * 86_400_000;
  const grant = (i: number, state: 'revoked' | 'active', expiresAt: Date): GrantRecord => ({
    _id: `bench-${state}-${i}`,
    requestId: `bench-${state}-${i}`,
    workflowId: `prod-access-bench-${state}-${i}`,
    requester: { slackUserId: `U${i}`, email: `user${i}@example.com` },
    reason: 'benchmark history',
    target,
    targetKey: targetKey(target),
    duration: '4h',
    state,
    principalId: `bench-principal-${i}`,
    requestedAt: new Date(expiresAt.getTime() - 4 * 3_600_000),
    grantedAt: new Date(expiresAt.getTime() - 4 * 3_600_000),
    expiresAt,
    ...(state === 'revoked' ? { revokedAt: expiresAt, revokedBy: 'keycard', revokeReason: 'expired' } : {}),
    identityCenterRequests: {},
    version: 3,
    updatedAt: expiresAt,
  });
  for (let start = 0; start < historical; start += 5_000) {
    const batch = [];
    for (let i = start; i < Math.min(historical, start + 5_000); i++) {
      batch.push(grant(i, 'revoked', new Date(base + i * 300_000)));
    }
    await records.grants.insertMany(batch, { ordered: false });
  }
  await records.grants.insertMany(
    Array.from({ length: overdue }, (_, i) => grant(i, 'active', new Date(Date.now() - 3_600_000 - i * 60_000))),
  );

  let documentsRead = 0;
  const count = (event: CommandSucceededEvent) => {
    const cursor = (event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
    documentsRead += (cursor?.firstBatch?.length ?? 0) + (cursor?.nextBatch?.length ?? 0);
  };
  client.on('commandSucceeded', count);
  const reconciler = new Reconciler(
    {
      records,
      identityCenter: createIdentityCenter({
        region: AWS_REGION,
        endpoint: stand.motoUrl,
        instanceArn: stand.seed.instanceArn,
        identityStoreId: stand.seed.identityStoreId,
        pollIntervalMs: 100,
      }),
      logger: createLogger('silent'),
      workflowState: async () => 'NOT_RUNNING',
      alert: async () => undefined,
    },
    { graceMs: 120_000, lookbackMs: 15 * 60_000, allow: [], targets: [] },
  );
  const started = process.hrtime.bigint();
  const summary = await reconciler.run({ mode: 'report' });
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  client.off('commandSucceeded', count);

  const queryStarted = process.hrtime.bigint();
  await records.overdueGrants(new Date(Date.now() - 120_000));
  const overdueQueryMilliseconds = Number(process.hrtime.bigint() - queryStarted) / 1e6;
  const plan = await records.grants
    .find({ state: 'active', expiresAt: { $lt: new Date() } })
    .explain()
    .catch((error: Error) => ({ error: error.message }));
  await client.db().dropDatabase();
  await client.close();
  return {
    historicalGrants: historical,
    overdueGrants: overdue,
    documentsRead,
    revoked: summary.revoked,
    milliseconds: Math.round(milliseconds),
    overdueQueryMilliseconds: Math.round(overdueQueryMilliseconds),
    overdueQueryPlan: JSON.stringify(plan).slice(0, 400),
  };
}
