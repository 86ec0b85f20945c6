/**
 * Verifying the audit hash chain from its first event, optionally against a head pinned outside the database and
 * against the signed checkpoints (checkpoints.ts).
 */
import type { Collection } from 'mongodb';
import {
  chainHash,
  GENESIS_HASH,
  type ChainableEvent,
  type ChainHead,
  type ChainLink,
  type PinnedHead,
  type VerifyResult,
} from './chainLinks';

/** A head the chain must still hold: a pin an operator wrote down, or a signed checkpoint (named, so verify can say which). */
export interface Vouched extends PinnedHead {
  /** Absent for the pinned head; the checkpoint's name otherwise. */
  checkpoint?: string;
}

/**
 * Walks the chain from 1: numbers contiguous, each link to the previous hash, each hash recomputed. With `pinned`,
 * the head written down earlier must still be in the chain with the same hash (catches a rewrite to the end and a
 * truncation). So must every checkpoint: a chain rewritten with every hash recomputed, or cut short, contradicts the
 * checkpoints signed before, and the first one it contradicts is named. Events without a sequence number are outside
 * the chain and fail it too.
 */
export async function verifyChain(
  events: Collection<ChainableEvent>,
  pinned?: PinnedHead,
  checkpoints: Vouched[] = [],
): Promise<VerifyResult> {
  const vouched: Vouched[] = [...(pinned ? [{ chainSeq: pinned.chainSeq, hash: pinned.hash }] : []), ...checkpoints];
  const vouchedAt = new Map<number, Vouched[]>();
  for (const head of vouched) vouchedAt.set(head.chainSeq, [...(vouchedAt.get(head.chainSeq) ?? []), head]);
  let expected = 1;
  let previousHash = GENESIS_HASH;
  let head: ChainHead | undefined;
  const cursor = events.find({ chainSeq: { $gte: 1 } } as never).sort({ chainSeq: 1 });
  try {
    for await (const document of cursor) {
      const event = document as unknown as Record<string, unknown> & Partial<ChainLink>;
      const seq = event.chainSeq as number;
      const fail = (firstBadSeq: number, problem: string): VerifyResult => ({
        ok: false,
        firstBadSeq,
        problem,
        count: expected - 1,
      });
      if (!Number.isInteger(seq)) {
        return fail(expected, `event ${String(event._id)} has sequence number ${String(seq)}, not a whole number`);
      }
      if (seq < expected) {
        return fail(seq, `sequence number ${seq} appears more than once (event ${String(event._id)})`);
      }
      if (seq > expected) {
        const missing = seq === expected + 1 ? `${expected} is` : `${expected} to ${seq - 1} are`;
        return fail(expected, `sequence number ${missing} missing: events were deleted`);
      }
      if (event.prevHash !== previousHash) {
        return fail(
          seq,
          `event ${seq} (${String(event._id)}) does not link to event ${seq - 1}: an event was deleted, inserted or moved here`,
        );
      }
      if (event.hash !== chainHash(previousHash, event)) {
        return fail(seq, `event ${seq} (${String(event._id)}) does not match its hash: it was changed or moved`);
      }
      const contradicted = vouchedAt.get(seq)?.find((head) => head.hash !== event.hash);
      if (contradicted) {
        return {
          ...fail(
            seq,
            contradicted.checkpoint === undefined
              ? `event ${seq} does not have the pinned hash ${contradicted.hash}: the chain was rewritten up to here or later`
              : `event ${seq} does not have the hash ${contradicted.hash} that checkpoint ${contradicted.checkpoint} signed: the chain was rewritten up to here or later`,
          ),
          ...(contradicted.checkpoint === undefined ? {} : { checkpoint: contradicted.checkpoint }),
        };
      }
      previousHash = event.hash;
      head = { chainSeq: seq, hash: event.hash, ...(event.at instanceof Date ? { at: event.at } : {}) };
      expected += 1;
    }
  } finally {
    await cursor.close();
  }
  const count = expected - 1;
  const beyond = vouched.filter((head) => head.chainSeq > count).sort((a, b) => a.chainSeq - b.chainSeq)[0];
  if (beyond) {
    return {
      ok: false,
      firstBadSeq: expected,
      problem:
        beyond.checkpoint === undefined
          ? `the chain ends at ${count} but the pinned head is ${beyond.chainSeq}: events were deleted from the end`
          : `the chain ends at ${count} but checkpoint ${beyond.checkpoint} signed a head at ${beyond.chainSeq}: events were deleted from the end`,
      count,
      ...(beyond.checkpoint === undefined ? {} : { checkpoint: beyond.checkpoint }),
    };
  }
  // Counted apart from the walk, so events appended while it ran are not mistaken for events outside the chain.
  const outsideFilter = { chainSeq: { $not: { $gte: 1 } } } as never;
  const outside = await events.countDocuments(outsideFilter);
  if (outside > 0) {
    const example = await events.findOne(outsideFilter, { projection: { _id: 1 } });
    return {
      ok: false,
      problem: `${outside} event(s) are outside the chain (no sequence number)${example ? `, e.g. ${String(example._id)}` : ''}: written around Keycard, or before the chain existed`,
      count,
    };
  }
  return { ok: true, count, ...(head ? { head } : {}) };
}
