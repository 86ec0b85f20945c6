/**
 * Signed checkpoints of the audit chain, kept outside the database: each reconcile run signs the chain's head (its
 * sequence number, hash and time) with a key the database admins cannot use, and writes it where they cannot change
 * or delete it. `keycard audit verify` checks the chain against every checkpoint, so a chain rewritten with every hash
 * recomputed, or cut short at its end, contradicts a checkpoint signed before.
 *
 * Two narrow ports: a signer (the key; in production AWS KMS) and a store (write-once objects; in production an S3
 * bucket with Object Lock in compliance mode). Both are wired in src/runtime/auditCheckpoints.ts.
 */
import { canonicalJson, type ChainHead, type PinnedHead } from './chainLinks';

/** What a checkpoint vouches for: the chain's head at one moment. */
export interface Checkpoint {
  chainSeq: number;
  hash: string;
  /** When the head event happened (ISO), when it has a time. */
  headAt: string | null;
  /** When the checkpoint was signed (ISO). */
  signedAt: string;
}

/** A checkpoint as it is stored: the content, and the signature over its message (`checkpointMessage`). */
export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  keyId: string;
  signingAlgorithm: string;
  /** Base64. */
  signature: string;
}

/** The key: signs a message, and verifies a signature with the same key. */
export interface CheckpointSigner {
  /** The key as configured (id, ARN or alias): recorded in each checkpoint, for people. */
  readonly keyId: string;
  readonly signingAlgorithm: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** One stored object: its name, its version (every version is read back, an overwrite hides nothing), its text. */
export interface StoredCheckpoint {
  name: string;
  version?: string;
  body: string;
}

/** Write-once storage for checkpoints. */
export interface CheckpointStore {
  /** Where the checkpoints are, for people (`s3://bucket/checkpoints/`). */
  readonly location: string;
  put(name: string, body: string): Promise<void>;
  /** Every version of every checkpoint object. */
  list(): Promise<StoredCheckpoint[]>;
}

/** A checkpoint whose signature verified, with the name verify uses when the chain contradicts it. */
export interface TrustedCheckpoint extends PinnedHead {
  name: string;
}

export interface CheckpointReading {
  /** Checkpoints whose signature verified, in chain order. */
  trusted: TrustedCheckpoint[];
  /** Objects that are not a checkpoint signed by the key: each one is a problem in itself. */
  problems: string[];
}

/** The bytes signed: a fixed label (a signature for anything else cannot pass as a checkpoint) and the canonical content. */
export function checkpointMessage(checkpoint: Checkpoint): Uint8Array {
  return new TextEncoder().encode(`keycard-audit-checkpoint-v1\n${canonicalJson(checkpoint)}`);
}

/** Checkpoint objects sort in chain order: `checkpoints/000000000042-2026-11-17T10:05:00.000Z.json`. */
export function checkpointName(checkpoint: Checkpoint): string {
  return `checkpoints/${String(checkpoint.chainSeq).padStart(12, '0')}-${checkpoint.signedAt}.json`;
}

/** The stored text's checkpoint, or what is wrong with it. */
export function parseCheckpoint(body: string): SignedCheckpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'is not JSON';
  }
  const signed = value as Partial<SignedCheckpoint> | null;
  const checkpoint = signed?.checkpoint as Partial<Checkpoint> | undefined;
  if (
    !checkpoint ||
    !Number.isInteger(checkpoint.chainSeq) ||
    (checkpoint.chainSeq as number) < 1 ||
    typeof checkpoint.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(checkpoint.hash) ||
    typeof checkpoint.signedAt !== 'string' ||
    (checkpoint.headAt !== null && typeof checkpoint.headAt !== 'string')
  ) {
    return 'has no checkpoint (chainSeq, hash, headAt, signedAt)';
  }
  if (typeof signed?.signature !== 'string' || signed.signature === '') return 'has no signature';
  return {
    checkpoint: {
      chainSeq: checkpoint.chainSeq as number,
      hash: checkpoint.hash,
      headAt: checkpoint.headAt ?? null,
      signedAt: checkpoint.signedAt,
    },
    keyId: String(signed.keyId ?? ''),
    signingAlgorithm: String(signed.signingAlgorithm ?? ''),
    signature: signed.signature,
  };
}

export class AuditCheckpoints {
  constructor(
    private readonly signer: CheckpointSigner,
    private readonly store: CheckpointStore,
  ) {}

  get location(): string {
    return this.store.location;
  }

  /** Signs this head and stores it; nothing for an empty chain (there is nothing to protect yet). */
  async write(head: ChainHead | undefined, now: Date): Promise<TrustedCheckpoint | undefined> {
    if (!head) return undefined;
    const checkpoint: Checkpoint = {
      chainSeq: head.chainSeq,
      hash: head.hash,
      headAt: head.at?.toISOString() ?? null,
      signedAt: now.toISOString(),
    };
    const signature = await this.signer.sign(checkpointMessage(checkpoint));
    const signed: SignedCheckpoint = {
      checkpoint,
      keyId: this.signer.keyId,
      signingAlgorithm: this.signer.signingAlgorithm,
      signature: Buffer.from(signature).toString('base64'),
    };
    const name = checkpointName(checkpoint);
    await this.store.put(name, `${JSON.stringify(signed, null, 2)}\n`);
    return { name, chainSeq: checkpoint.chainSeq, hash: checkpoint.hash };
  }

  /**
   * Every stored checkpoint, its signature verified with the configured key (never a key the object names: anyone
   * can sign with a key of their own). An object that does not verify is reported, and not trusted.
   */
  async read(): Promise<CheckpointReading> {
    const stored = await this.store.list();
    const versions = new Map<string, number>();
    for (const object of stored) versions.set(object.name, (versions.get(object.name) ?? 0) + 1);
    const trusted: TrustedCheckpoint[] = [];
    const problems: string[] = [];
    for (const object of stored) {
      const name =
        (versions.get(object.name) ?? 0) > 1 && object.version
          ? `${object.name} (version ${object.version})`
          : object.name;
      const signed = parseCheckpoint(object.body);
      if (typeof signed === 'string') {
        problems.push(`checkpoint ${name} ${signed}: it was not written by Keycard`);
        continue;
      }
      const verified = await this.signer
        .verify(checkpointMessage(signed.checkpoint), Buffer.from(signed.signature, 'base64'))
        .catch(() => false);
      if (!verified) {
        problems.push(
          `checkpoint ${name} (event ${signed.checkpoint.chainSeq}) does not carry a valid signature of ${this.signer.keyId}: it was forged or altered`,
        );
        continue;
      }
      trusted.push({ name, chainSeq: signed.checkpoint.chainSeq, hash: signed.checkpoint.hash });
    }
    trusted.sort((a, b) => a.chainSeq - b.chainSeq || a.name.localeCompare(b.name));
    return { trusted, problems };
  }
}
