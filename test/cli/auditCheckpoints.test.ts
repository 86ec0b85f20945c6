/**
 * Signed checkpoints against a database admin: `keycard reconcile` (the real command, a child process) signs the
 * chain head with a KMS key and locks it in an S3 bucket with Object Lock (moto behind the stand's proxy); then
 * someone with write access to MongoDB rewrites every event with recomputed hashes, or deletes the last events, and
 * `keycard audit verify` names the checkpoint the chain contradicts. The checkpoint itself cannot be deleted, and one
 * that is forged or altered is reported.
 */
import { CreateAliasCommand, CreateKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { chainHash } from '../../src/services/audit/chainLinks';
import { checkpointMessage, type SignedCheckpoint } from '../../src/services/audit/checkpoints';
import type { GrantRecords } from '../../src/services/records';
import { databaseUrl, grantStory, keycardCli, PROD, type CliResult } from '../support/auditTrail';
import { eventually, recordsIn } from '../support/keycard';
import { freePort, PROJECT_ROOT, tempDir } from '../support/processes';
import { awsClientConfig, createPermissionSet, identityCenterEnv, stand } from '../support/stand';
import { TEST_SIGNING_KEY } from '../support/configEnv';

const kms = () => new KMSClient(awsClientConfig(stand().aws.endpoint));
const s3 = () => new S3Client({ ...awsClientConfig(stand().aws.endpoint), forcePathStyle: true });

/** A signing key (ECC_NIST_P256, SIGN_VERIFY) with an alias, as docs/production.md says to make it. */
async function createSigningKey(): Promise<{ keyId: string; alias: string }> {
  const { KeyMetadata } = await kms().send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  const alias = `alias/keycard-test-${randomUUID().slice(0, 8)}`;
  await kms().send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata?.KeyId }));
  return { keyId: KeyMetadata?.KeyId as string, alias };
}

/** A bucket with Object Lock on and a compliance-mode default retention. */
async function createLockedBucket(): Promise<string> {
  const bucket = `keycard-audit-${randomUUID().slice(0, 8)}`;
  await s3().send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3().send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
      },
    }),
  );
  return bucket;
}

interface Trail {
  mongoUrl: string;
  records: GrantRecords;
  bucket: string;
  alias: string;
  /** The auditor's environment: the database, the key and the bucket. */
  auditor: Record<string, string>;
  /** The worker's environment for `keycard reconcile`. */
  worker: Record<string, string>;
}

async function trail(name: string): Promise<Trail> {
  const mongoUrl = databaseUrl(name);
  const records = await recordsIn(mongoUrl);
  const [{ alias }, bucket, target] = await Promise.all([
    createSigningKey(),
    createLockedBucket(),
    createPermissionSet('checkpoints'),
  ]);
  const aws = identityCenterEnv(target);
  const auditor = {
    MONGODB_URL: mongoUrl,
    AWS_REGION: aws.AWS_REGION,
    AWS_ENDPOINT_URL: aws.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY,
    AUDIT_CHECKPOINT_KEY_ID: alias,
    AUDIT_CHECKPOINT_BUCKET: bucket,
  };
  const worker = {
    ...aws,
    ...auditor,
    TEMPORAL_ADDRESS: stand().devServer.address,
    AUDIT_CHECKPOINT_RETENTION_DAYS: '1',
  };
  return { mongoUrl, records, bucket, alias, auditor, worker };
}

/** Finished grants (nothing for the sweep to act on), written through the records API the worker uses. */
async function finishedGrants(records: GrantRecords, count: number, day: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const story = grantStory(records, { slackUserId: 'U0BOB', email: 'bob@example.com' }, PROD, `incident ${day}/${i}`);
    await story.requested('09:00');
    await story.approved('09:01', 'U0ANNA');
    await story.granted('09:02', '10:02');
    await story.revoked('09:30', 'U0BOB', 'done');
  }
}

async function reconcile(t: Trail): Promise<{ chainSeq: number; name: string }> {
  const result = await keycardCli(t.worker, 'reconcile', '--json');
  assert.ok(result.code === 0 || result.code === 1, `reconcile ran: ${result.stdout}${result.stderr}`);
  const summary = JSON.parse(result.stdout) as { checkpoint?: { chainSeq: number; name: string }; errors: number };
  assert.equal(summary.errors, 0, result.stdout);
  assert.ok(summary.checkpoint, 'the run signed a checkpoint');
  return summary.checkpoint;
}

const verify = (t: Trail, ...args: string[]): Promise<CliResult> => keycardCli(t.auditor, 'audit', 'verify', ...args);

/** What the forger does: every event's hash recomputed from the first one on, so the chain verifies on its own. */
async function recomputeEveryHash(records: GrantRecords): Promise<void> {
  let previous = '0'.repeat(64);
  const events = await records.audit.find({}).sort({ chainSeq: 1 }).toArray();
  for (const event of events) {
    const hash = chainHash(previous, event as unknown as Record<string, unknown>);
    await records.audit.updateOne({ _id: event._id }, { $set: { prevHash: previous, hash } });
    previous = hash;
  }
}

async function storedCheckpoints(bucket: string) {
  const { Versions } = await s3().send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'checkpoints/' }));
  return Versions ?? [];
}

describe('signed audit checkpoints: the trail survives a database admin', function () {
  it('each reconcile run signs the head into the locked bucket; an untouched chain verifies against every checkpoint', async () => {
    const t = await trail('checkpoint_intact');
    await finishedGrants(t.records, 2, 'a');
    const first = await reconcile(t);
    assert.equal(first.chainSeq, 9, '8 events and the run’s own reconcile_summary');
    await finishedGrants(t.records, 1, 'b');
    const second = await reconcile(t);
    assert.equal(second.chainSeq, 14);

    const objects = await storedCheckpoints(t.bucket);
    assert.deepEqual(objects.map((object) => object.Key).sort(), [first.name, second.name].sort());
    const locked = await s3().send(new HeadObjectCommand({ Bucket: t.bucket, Key: first.name }));
    assert.equal(locked.ObjectLockMode, 'COMPLIANCE');
    assert.ok((locked.ObjectLockRetainUntilDate?.getTime() ?? 0) > Date.now() + 23 * 3_600_000, 'locked for a day');
    const body = JSON.parse(
      await (await s3().send(new GetObjectCommand({ Bucket: t.bucket, Key: second.name }))).Body!.transformToString(),
    ) as SignedCheckpoint;
    assert.equal(body.checkpoint.chainSeq, 14);
    assert.equal(body.checkpoint.hash, (await t.records.chain.head())?.hash);
    assert.equal(body.signingAlgorithm, 'ECDSA_SHA_256');

    await finishedGrants(t.records, 1, 'c');
    const verified = await verify(t);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^audit chain intact: 18 event\(s\); head [0-9a-f]{64}@18\n/);
    assert.match(
      verified.stdout,
      new RegExp(
        `checked against 2 signed checkpoint\\(s\\) in s3://${t.bucket}/checkpoints/; the last is at event 14 \\(${second.name}\\); events 15 to 18 are newer than it\\n$`,
      ),
    );
    const json = JSON.parse((await verify(t, '--json')).stdout);
    assert.deepEqual(json.checkpoints, { location: `s3://${t.bucket}/checkpoints/`, checked: 2, problems: [] });
  });

  it('every event rewritten with recomputed hashes: verify exits 1 naming the checkpoint the chain contradicts', async () => {
    const t = await trail('checkpoint_rewritten');
    await finishedGrants(t.records, 2, 'a');
    const first = await reconcile(t);
    await finishedGrants(t.records, 1, 'b');
    await reconcile(t);

    // The forger turns a grant's reason into something harmless and makes the chain whole again.
    await t.records.audit.updateMany({ chainSeq: { $lte: 4 } }, { $set: { reason: 'routine maintenance' } });
    await recomputeEveryHash(t.records);
    assert.equal((await t.records.chain.verify()).ok, true, 'the chain alone cannot tell');

    const result = await verify(t);
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      new RegExp(
        `^audit chain BROKEN at sequence number ${first.chainSeq}: event ${first.chainSeq} does not have the hash [0-9a-f]{64} that checkpoint ${first.name} signed: the chain was rewritten up to here or later\n`,
      ),
    );
    const json = JSON.parse((await verify(t, '--json')).stdout);
    assert.deepEqual([json.ok, json.firstBadSeq, json.checkpoint], [false, first.chainSeq, first.name]);
  });

  it('the last events deleted: verify exits 1 naming the checkpoint that saw them', async () => {
    const t = await trail('checkpoint_truncated');
    await finishedGrants(t.records, 2, 'a');
    await reconcile(t);
    await finishedGrants(t.records, 1, 'b');
    const last = await reconcile(t);

    await t.records.audit.deleteMany({ chainSeq: { $gte: 11 } });
    await t.records.chain.pointer.deleteMany({});
    assert.equal((await t.records.chain.verify()).ok, true, 'a chain cut short verifies on its own');

    const result = await verify(t);
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      new RegExp(
        `^audit chain BROKEN at sequence number 11: the chain ends at 10 but checkpoint ${last.name} signed a head at ${last.chainSeq}: events were deleted from the end\n`,
      ),
    );
  });

  it('a checkpoint cannot be deleted from the locked bucket; one overwritten or signed with another key is reported', async () => {
    const t = await trail('checkpoint_forged');
    await finishedGrants(t.records, 1, 'a');
    const real = await reconcile(t);
    const [version] = await storedCheckpoints(t.bucket);

    await assert.rejects(
      s3().send(new DeleteObjectCommand({ Bucket: t.bucket, Key: real.name, VersionId: version.VersionId })),
      (error: Error) => error.name === 'AccessDenied',
      'compliance mode: the locked version cannot be deleted',
    );

    // The forger rewrites the chain, then writes a checkpoint for the new head over the real one (same key, a new
    // version), reusing the real signature, and another signed with a key of their own.
    await t.records.audit.updateMany({}, { $set: { reason: 'routine maintenance' } });
    await recomputeEveryHash(t.records);
    const head = (await t.records.chain.head())!;
    const original = JSON.parse(
      await (await s3().send(new GetObjectCommand({ Bucket: t.bucket, Key: real.name }))).Body!.transformToString(),
    ) as SignedCheckpoint;
    const forged: SignedCheckpoint = { ...original, checkpoint: { ...original.checkpoint, hash: head.hash } };
    await s3().send(new PutObjectCommand({ Bucket: t.bucket, Key: real.name, Body: JSON.stringify(forged) }));
    const own = await createSigningKey();
    const { Signature } = await kms().send(
      new SignCommand({
        KeyId: own.keyId,
        Message: checkpointMessage(forged.checkpoint),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const otherKey = `checkpoints/000000000099-${new Date().toISOString()}.json`;
    await s3().send(
      new PutObjectCommand({
        Bucket: t.bucket,
        Key: otherKey,
        Body: JSON.stringify({ ...forged, keyId: own.alias, signature: Buffer.from(Signature!).toString('base64') }),
      }),
    );
    assert.equal((await storedCheckpoints(t.bucket)).filter((object) => object.Key === real.name).length, 2);

    const result = await verify(t);
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      new RegExp(`event ${real.chainSeq} does not have the hash [0-9a-f]{64} that checkpoint ${real.name} \\(version `),
      'the locked original still counts',
    );
    assert.match(
      result.stdout,
      new RegExp(
        `checkpoint BAD: checkpoint ${real.name} \\(version [^)]+\\) \\(event ${real.chainSeq}\\) does not carry a valid signature of ${t.alias}: it was forged or altered\n`,
      ),
    );
    assert.match(
      result.stdout,
      new RegExp(
        `checkpoint BAD: checkpoint ${otherKey} \\(event ${real.chainSeq}\\) does not carry a valid signature`,
      ),
    );
  });

  it('the worker’s reconcile workflow signs a checkpoint too (the schedule’s path: worker process, reconcile activity)', async () => {
    const t = await trail('checkpoint_worker');
    await finishedGrants(t.records, 1, 'a');
    const taskQueue = `keycard-checkpoints-${randomUUID()}`;
    // A directory without a .env file: only these variables count.
    const worker = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/src/worker.js')], {
      cwd: tempDir('worker'),
      env: {
        PATH: process.env.PATH,
        ...t.worker,
        KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
        TEMPORAL_TASK_QUEUE: taskQueue,
        RECONCILE_INTERVAL: '24h',
        OPS_PORT: String(await freePort()),
        TEMPORAL_METRICS_PORT: String(await freePort()),
      },
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const { client } = stand().devServer.env;
    try {
      await eventually(
        async () => output,
        (text) => text.includes('worker running') || worker.exitCode !== null,
        { timeoutMs: 60_000 },
      );
      assert.match(output, /worker running/);
      assert.doesNotMatch(output, /no audit checkpoints/, 'configured: no warning');
      // The shared schedule is not this test's: run the reconcile workflow it would start, once.
      await client.schedule.getHandle('prod-access-reconcile').delete();
      const summary = (await client.workflow.execute('reconcile', {
        taskQueue,
        workflowId: `prod-access-reconcile-test-${randomUUID()}`,
        args: [{}],
      })) as { checkpoint?: { chainSeq: number; name: string } };
      assert.equal(summary.checkpoint?.chainSeq, 5, 'four events and the run’s summary');
      assert.deepEqual(
        (await storedCheckpoints(t.bucket)).map((object) => object.Key),
        [summary.checkpoint?.name],
      );
      const verified = await verify(t);
      assert.equal(verified.code, 0, verified.stdout);
      assert.match(verified.stdout, /checked against 1 signed checkpoint\(s\)/);
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });

  it('without a key and a bucket, verify says plainly that no checkpoint protects the chain', async () => {
    const t = await trail('checkpoint_none');
    await finishedGrants(t.records, 1, 'a');
    const result = await keycardCli({ MONGODB_URL: t.mongoUrl }, 'audit', 'verify');
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /WARNING: no checkpoint protects the chain/);
    const empty = await verify(t);
    assert.equal(empty.code, 0, empty.stdout);
    assert.match(empty.stdout, /WARNING: no signed checkpoint in s3:\/\/.* yet/);
    const half = await keycardCli({ MONGODB_URL: t.mongoUrl, AUDIT_CHECKPOINT_BUCKET: t.bucket }, 'audit', 'verify');
    assert.equal(half.code, 2);
    assert.match(half.stderr, /AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET must be set together/);
  });
});
