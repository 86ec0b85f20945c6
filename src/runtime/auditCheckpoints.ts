/**
 * The audit checkpoints' AWS parts: an asymmetric KMS key signs (kms:Sign; the private key never leaves KMS), an S3
 * bucket with Object Lock keeps every checkpoint in compliance mode (s3:PutObject with a retention date, which also
 * takes s3:PutObjectRetention), and `keycard audit verify` reads every version back (s3:ListBucketVersions,
 * s3:GetObjectVersion) and checks each signature locally against the key's public half (kms:GetPublicKey, once).
 *
 * Verifying locally rather than with kms:Verify: one KMS call however many checkpoints there are (a year of
 * five-minute sweeps is about 105,000), and the auditor's role needs no permission to use the key, only to read it.
 */
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { AuditConfig } from '../config';
import {
  AuditCheckpoints,
  type CheckpointSigner,
  type CheckpointStore,
  type StoredCheckpoint,
} from '../services/audit/checkpoints';

const PREFIX = 'checkpoints/';
/** Objects fetched at once while verify reads the bucket. */
const READ_CONCURRENCY = 16;
const DAY_MS = 86_400_000;

export interface CheckpointOptions {
  region: string;
  endpoint?: string;
  keyId: string;
  bucket: string;
  retentionDays: number;
  /** Tests give the stand's static credentials; production uses the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** ECDSA over P-256 with SHA-256 (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY), over the raw message. */
export class KmsCheckpointSigner implements CheckpointSigner {
  readonly signingAlgorithm = 'ECDSA_SHA_256';
  private publicKey?: Promise<KeyObject>;

  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const { Signature } = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: this.signingAlgorithm,
      }),
    );
    if (!Signature) throw new Error(`KMS returned no signature for key ${this.keyId}`);
    return Signature;
  }

  /** DER-encoded ECDSA, as KMS signs; the public key is fetched once per process. */
  async verify(message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const key = await (this.publicKey ??= this.fetchPublicKey());
    return verify('sha256', message, key, signature);
  }

  private async fetchPublicKey(): Promise<KeyObject> {
    const { PublicKey, KeyUsage, SigningAlgorithms } = await this.kms.send(
      new GetPublicKeyCommand({ KeyId: this.keyId }),
    );
    if (!PublicKey || KeyUsage !== 'SIGN_VERIFY' || !SigningAlgorithms?.includes(this.signingAlgorithm)) {
      throw new Error(
        `KMS key ${this.keyId} is not an ECC_NIST_P256 SIGN_VERIFY key (usage ${KeyUsage ?? 'unknown'}, algorithms ${SigningAlgorithms?.join(', ') ?? 'none'})`,
      );
    }
    return createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' });
  }
}

/** Checkpoints as objects under `checkpoints/`, each locked in compliance mode for the retention period. */
export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly retentionDays: number,
  ) {}

  get location(): string {
    return `s3://${this.bucket}/${PREFIX}`;
  }

  async put(name: string, body: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: name,
        Body: body,
        ContentType: 'application/json',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.now() + this.retentionDays * DAY_MS),
      }),
    );
  }

  /** Every version, so an object written over an earlier checkpoint hides nothing: the locked original is read too. */
  async list(): Promise<StoredCheckpoint[]> {
    const versions: { Key: string; VersionId?: string }[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: PREFIX,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      for (const version of page.Versions ?? []) {
        if (version.Key) versions.push({ Key: version.Key, VersionId: version.VersionId });
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    const stored: StoredCheckpoint[] = new Array(versions.length);
    let next = 0;
    const reader = async () => {
      while (next < versions.length) {
        const index = next++;
        const { Key, VersionId } = versions[index];
        const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key, VersionId }));
        stored[index] = {
          name: Key,
          ...(VersionId && VersionId !== 'null' ? { version: VersionId } : {}),
          body: (await object.Body?.transformToString('utf8')) ?? '',
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, versions.length) }, reader));
    return stored;
  }
}

export function createAuditCheckpoints(options: CheckpointOptions): AuditCheckpoints {
  const clientConfig = {
    region: options.region,
    endpoint: options.endpoint,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
  return new AuditCheckpoints(
    new KmsCheckpointSigner(new KMSClient(clientConfig), options.keyId),
    // Path-style: the bucket name in the path works with every endpoint, including stand-ins such as moto.
    new S3CheckpointStore(
      new S3Client({ ...clientConfig, forcePathStyle: Boolean(options.endpoint) }),
      options.bucket,
      options.retentionDays,
    ),
  );
}

/** The checkpoints of this configuration, or nothing when AUDIT_CHECKPOINT_KEY_ID and _BUCKET are not set. */
export function auditCheckpointsFrom(
  config: AuditConfig & { AUDIT_CHECKPOINT_RETENTION_DAYS?: number },
): AuditCheckpoints | undefined {
  if (!config.AUDIT_CHECKPOINT_KEY_ID || !config.AUDIT_CHECKPOINT_BUCKET || !config.AWS_REGION) return undefined;
  return createAuditCheckpoints({
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL,
    keyId: config.AUDIT_CHECKPOINT_KEY_ID,
    bucket: config.AUDIT_CHECKPOINT_BUCKET,
    retentionDays: config.AUDIT_CHECKPOINT_RETENTION_DAYS ?? 365,
  });
}
