/** Verifying the audit hash chain from its first event, optionally against a head pinned outside the database. */
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

/**
 * Walks the chain from 1: numbers contiguous, each link to the previous hash, each hash recomputed. With `pinned`,
 * the head written down earlier must still be in the chain with the same hash (catches a rewrite to the end and a
 * truncation). Events without a sequence number are outside the chain and fail it too.
 */
export async function verifyChain(events: Collection<ChainableEvent>, pinned?: PinnedHead): Promise<VerifyResult> {
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
      if (pinned && seq === pinned.chainSeq && event.hash !== pinned.hash) {
        return fail(
          seq,
          `event ${seq} does not have the pinned hash ${pinned.hash}: the chain was rewritten up to here or later`,
        );
      }
      previousHash = event.hash;
      head = { chainSeq: seq, hash: event.hash, ...(event.at instanceof Date ? { at: event.at } : {}) };
      expected += 1;
    }
  } finally {
    await cursor.close();
  }
  const count = expected - 1;
  if (pinned && pinned.chainSeq > count) {
    return {
      ok: false,
      firstBadSeq: expected,
      problem: `the chain ends at ${count} but the pinned head is ${pinned.chainSeq}: events were deleted from the end`,
      count,
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
