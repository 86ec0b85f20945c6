/**
 * Keycard's front door signs what it sends to a grant workflow; the worker checks the signature before it acts.
 * Anyone who can write to the Temporal namespace can start a workflow or send an update with any input, so the input
 * alone proves nothing: a request, a decision or an extension counts only with a proof made by the Slack app (after
 * it verified Slack's own signature and the person) or by the `keycard` CLI run with the key. The key lives in the
 * front door's and the worker's configuration (KEYCARD_SIGNING_KEY) and never in a workflow's input or history; the
 * workflow asks the `verifyProof` activity. Revoking needs no proof: ending access is always safe.
 *
 * A proof is an HMAC-SHA256 over one canonical JSON text: the action, the workflow (and, for decisions, the run), the
 * signer, when, a nonce the workflow accepts once, and the payload exactly as sent.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FrontDoorProof, ProofAction } from '../domain/grant';

/** A request proof is fresh for this long around the workflow's start. */
export const REQUEST_PROOF_MAX_AGE_MS = 5 * 60_000;
/** Clocks of the front door and the Temporal server may differ by this much. */
export const CLOCK_SKEW_MS = 60_000;
/** The shortest key accepted: 32 bytes of randomness, written as text. */
export const MIN_KEY_LENGTH = 32;

/** What a proof is about. Decisions and extensions name the run they are for; a request names only its workflow. */
export interface ProofSubject {
  action: ProofAction;
  workflowId: string;
  runId?: string;
  /** The input exactly as sent, without its `proof`. */
  payload: unknown;
}

/** What the workflow hands the verifyProof activity: the subject, the proof, and the workflow's own clock. */
export interface ProofCheck extends ProofSubject {
  proof: unknown;
  /** When the run started (ISO): a request proof must be made just before it, a decision's after it. */
  runStartedAt: string;
  /** The workflow's time now (ISO). */
  now: string;
}

export type ProofVerdict = { ok: true; signer: string } | { ok: false; problem: string };

/** JSON with object keys sorted and undefined fields left out: the same text on both sides of the wire. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`);
  return `{${fields.join(',')}}`;
}

export class FrontDoorKey {
  readonly #key: Buffer;

  constructor(key: string) {
    if (key.length < MIN_KEY_LENGTH) throw new Error(`a signing key needs at least ${MIN_KEY_LENGTH} characters`);
    this.#key = Buffer.from(key, 'utf8');
  }

  /** A fresh proof for `subject`, made by `signer` ('slack', 'cli:<operator>'). */
  sign(subject: ProofSubject, signer: string, now = new Date()): FrontDoorProof {
    const unsigned = { signer, issuedAt: now.toISOString(), nonce: randomUUID() };
    return { ...unsigned, mac: this.mac(subject, unsigned) };
  }

  /** Whether `check.proof` is this key's proof of `check`, fresh and for this run. Never throws for a bad proof. */
  verify(check: ProofCheck): ProofVerdict {
    const proof = check.proof as Partial<FrontDoorProof> | undefined;
    if (proof === undefined || proof === null)
      return { ok: false, problem: "it carries no proof from Keycard's front door" };
    const { signer, issuedAt, nonce, mac } = proof;
    if (
      ![signer, issuedAt, nonce, mac].every((field) => typeof field === 'string' && field !== '' && field.length < 512)
    )
      return { ok: false, problem: 'its proof is malformed' };
    const expected = Buffer.from(this.mac(check, { signer: signer!, issuedAt: issuedAt!, nonce: nonce! }), 'utf8');
    const given = Buffer.from(mac!, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return { ok: false, problem: 'its proof does not match (forged, altered, or signed with another key)' };
    const issued = Date.parse(issuedAt!);
    const started = Date.parse(check.runStartedAt);
    const now = Date.parse(check.now);
    if (Number.isNaN(issued)) return { ok: false, problem: 'its proof is malformed' };
    if (issued > now + CLOCK_SKEW_MS) return { ok: false, problem: 'its proof is dated in the future' };
    if (check.action === 'request' && issued < started - REQUEST_PROOF_MAX_AGE_MS)
      return { ok: false, problem: 'its proof was made too long before the request started' };
    if (check.action !== 'request' && issued < started - CLOCK_SKEW_MS)
      return { ok: false, problem: 'its proof was made before this grant existed' };
    return { ok: true, signer: signer! };
  }

  private mac(subject: ProofSubject, proof: Omit<FrontDoorProof, 'mac'>): string {
    const text = canonicalJson({
      v: 1,
      action: subject.action,
      workflowId: subject.workflowId,
      runId: subject.runId,
      signer: proof.signer,
      issuedAt: proof.issuedAt,
      nonce: proof.nonce,
      payload: subject.payload,
    });
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }
}
