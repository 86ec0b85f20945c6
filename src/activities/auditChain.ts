/**
 * The audit trail as a hash chain: every event carries `chainSeq` (1, 2, 3, … across the whole collection), the
 * previous event's hash, and its own hash over that and its canonical content. Editing, deleting, inserting or
 * reordering an event breaks the chain at the first event touched; rewriting the chain from there to the end is only
 * caught against a head pinned elsewhere (`keycard audit head`).
 *
 * No transactions (FerretDB has none): a unique index on `chainSeq` is the lock. A writer reads the head, claims the
 * next number by inserting, and on a clash re-reads the head and tries again. The event's `_id` is deterministic, so
 * a retried write of an event already in the chain is recognised and not appended twice.
 *
 * Finding the head: a small pointer document (`audit_head`) names the last event appended, read and checked by `_id`
 * only, so an append costs the same on a long trail and on backends that cannot sort by an index (FerretDB). The
 * pointer is only a hint: a stale one makes the insert clash, and the writer then reads the head from the chain.
 */
import { BSON, MongoServerError, type Collection } from 'mongodb';
import { createHash } from 'node:crypto';
import { OneAtATime } from './oneAtATime';

export const GENESIS_HASH = '0'.repeat(64);

/** What the chain adds to an event. */
export interface ChainLink {
  chainSeq: number;
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  chainSeq: number;
  hash: string;
  at?: Date;
}

/** An event the chain can hold: a deterministic `_id` and anything else that BSON stores. */
export interface ChainableEvent {
  _id: string;
}

export type VerifyResult =
  | { ok: true; count: number; head?: ChainHead }
  | {
      ok: false;
      /** The first sequence number where the chain is wrong; absent when the problem is an event outside the chain. */
      firstBadSeq?: number;
      problem: string;
      /** How many events verified before the problem. */
      count: number;
    };

export interface PinnedHead {
  chainSeq: number;
  hash: string;
}

/** The pointer to the last event appended: a hint, checked against the event it names before it is used. */
export interface HeadPointer {
  _id: 'head';
  chainSeq: number;
  hash: string;
  eventId: string;
}

const DUPLICATE_KEY = 11000;
const MAX_APPEND_ATTEMPTS = 200;

/** `<hash>@<seq>`, the way a pinned head is written down and given back to `keycard audit verify --head`. */
export function formatPin(head: PinnedHead): string {
  return `${head.hash}@${head.chainSeq}`;
}

export function parsePin(text: string): PinnedHead {
  const match = /^([0-9a-f]{64})@([1-9]\d*)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a pinned head; write it as <64 hex digits>@<sequence number>`);
  return { hash: match[1], chainSeq: Number(match[2]) };
}

/**
 * One text per content, whatever the key order: keys sorted, dates tagged (`{"$date": ISO}`) so a date never hashes
 * like the string of itself, other BSON values tagged by their type.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date)
    return `{"$date":${JSON.stringify(Number.isNaN(value.getTime()) ? null : value.toISOString())}}`;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'bigint':
      return `{"$numberLong":${JSON.stringify(value.toString())}}`;
    case 'object': {
      const bsonType = (value as { _bsontype?: unknown })._bsontype;
      if (typeof bsonType === 'string') return `{${JSON.stringify(`$${bsonType}`)}:${JSON.stringify(String(value))}}`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, field]) => field !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}

/** The hash of an event at its place in the chain: over the previous hash and everything stored but the hashes. */
export function chainHash(prevHash: string, event: Record<string, unknown>): string {
  const content = Object.fromEntries(
    Object.entries(event).filter(([field]) => field !== 'hash' && field !== 'prevHash'),
  );
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(content)}`, 'utf8')
    .digest('hex');
}

/**
 * What the database will give back: undefined fields dropped, strings made valid UTF-8. Hashing this (not the
 * caller's object) is what lets a stored event hash the same when it is read again.
 */
function asStored<T extends object>(event: T): T {
  return BSON.deserialize(BSON.serialize(event, { ignoreUndefined: true })) as T;
}

/** The event at its place in the chain: sequence number, the link to the one before, its own hash. */
export function link<T extends ChainableEvent>(event: T, previous: PinnedHead | undefined): T & ChainLink {
  const content = Object.fromEntries(
    Object.entries(event).filter(([field]) => field !== 'chainSeq' && field !== 'prevHash' && field !== 'hash'),
  );
  const chainSeq = (previous?.chainSeq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const stored = asStored({ ...content, chainSeq }) as unknown as T & { chainSeq: number };
  return { ...stored, prevHash, hash: chainHash(prevHash, stored as unknown as Record<string, unknown>) };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AuditChain<T extends ChainableEvent = ChainableEvent> {
  constructor(
    readonly events: Collection<T>,
    readonly pointer: Collection<HeadPointer>,
  ) {}

  /**
   * Unique: the lock that keeps concurrent writers from taking the same number. Sparse, so events written before the
   * chain existed do not stop the index from being made (verify reports them as outside the chain).
   */
  async ensureIndexes(): Promise<void> {
    await this.events.createIndex({ chainSeq: 1 }, { unique: true, sparse: true, name: 'chainSeq_unique' });
  }

  /** The last event of the chain (index chainSeq_unique), or nothing for an empty chain. */
  async head(): Promise<ChainHead | undefined> {
    const [last] = await this.events
      .find({ chainSeq: { $gte: 1 } } as never)
      .sort({ chainSeq: -1 })
      .limit(1)
      .project<ChainHead>({ _id: 0, chainSeq: 1, hash: 1, at: 1 })
      .toArray();
    return last;
  }

  /**
   * Appends one event. Returns false when an event with this `_id` is already recorded (a retry), true when it was
   * appended. Appends from this process go one at a time, each linked to the head this process wrote last (two
   * round trips, no clash among its own writers); a clash with another process re-reads the head and tries again
   * after a short random pause.
   */
  append(event: T): Promise<boolean> {
    return this.appends.run('chain', () => this.appendNow(event));
  }

  private readonly appends = new OneAtATime();
  /** The head this process last appended; stale as soon as another process appends, which the unique index tells. */
  private lastAppended?: PinnedHead;

  private async appendNow(event: T): Promise<boolean> {
    let previous = this.lastAppended ?? (await this.pointedHead()) ?? (await this.head());
    for (let attempt = 1; ; attempt++) {
      const chained = link(event, previous);
      try {
        await this.events.insertOne(chained as never);
        this.lastAppended = { chainSeq: chained.chainSeq, hash: chained.hash };
        await this.movePointer(chained);
        return true;
      } catch (error) {
        this.lastAppended = undefined;
        if (!isDuplicateKey(error)) throw error;
        // Either this event is in already (its _id) or another writer took the number: re-read and try again.
        if (await this.events.findOne({ _id: event._id } as never, { projection: { _id: 1 } })) return false;
        if (attempt >= MAX_APPEND_ATTEMPTS) {
          throw new Error(`could not append audit event ${event._id}: the chain head kept moving (${attempt} tries)`, {
            cause: error,
          });
        }
        await pause(Math.random() * Math.min(50, 2 ** Math.min(attempt, 6)));
        const pointed = await this.pointedHead();
        // A pointer that has not moved past what just clashed is stale (a writer stopped before moving it).
        previous = pointed && pointed.chainSeq > (previous?.chainSeq ?? 0) ? pointed : await this.head();
      }
    }
  }

  /** The head the pointer names, if that event is really there with that number and hash; otherwise nothing. */
  private async pointedHead(): Promise<PinnedHead | undefined> {
    const pointer = await this.pointer.findOne({ _id: 'head' });
    if (!pointer) return undefined;
    const event = (await this.events.findOne({ _id: pointer.eventId } as never, {
      projection: { chainSeq: 1, hash: 1 },
    })) as Partial<ChainLink> | null;
    return event?.chainSeq === pointer.chainSeq && event.hash === pointer.hash
      ? { chainSeq: pointer.chainSeq, hash: pointer.hash }
      : undefined;
  }

  /** Moves the pointer forward only: a slower writer never moves it back. */
  private async movePointer(head: ChainLink & ChainableEvent): Promise<void> {
    try {
      await this.pointer.updateOne(
        { _id: 'head', chainSeq: { $lt: head.chainSeq } },
        { $set: { chainSeq: head.chainSeq, hash: head.hash, eventId: head._id } },
        { upsert: true },
      );
    } catch (error) {
      // The pointer is already further on (the upsert found no older one to replace).
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * Appends many events in order with one head read and one bulk insert (imports, seeding). When another writer got
   * in between, the rest go one by one through `append`, which skips what is already recorded.
   */
  async appendMany(events: T[]): Promise<void> {
    if (events.length === 0) return;
    this.lastAppended = undefined;
    let previous: PinnedHead | undefined = await this.head();
    const chained = events.map((event) => {
      const linked = link(event, previous);
      previous = linked;
      return linked;
    });
    try {
      await this.events.insertMany(chained as never[], { ordered: true });
      await this.movePointer(chained[chained.length - 1]);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      for (const event of events) await this.append(event);
    }
  }

  /**
   * Walks the chain from 1: numbers contiguous, each link to the previous hash, each hash recomputed. With `pinned`,
   * the head written down earlier must still be in the chain with the same hash (catches a rewrite to the end and a
   * truncation). Events without a sequence number are outside the chain and fail it too.
   */
  async verify(pinned?: PinnedHead): Promise<VerifyResult> {
    let expected = 1;
    let previousHash = GENESIS_HASH;
    let head: ChainHead | undefined;
    const cursor = this.events.find({ chainSeq: { $gte: 1 } } as never).sort({ chainSeq: 1 });
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
    const outside = await this.events.countDocuments(outsideFilter);
    if (outside > 0) {
      const example = await this.events.findOne(outsideFilter, { projection: { _id: 1 } });
      return {
        ok: false,
        problem: `${outside} event(s) are outside the chain (no sequence number)${example ? `, e.g. ${String(example._id)}` : ''}: written around Keycard, or before the chain existed`,
        count,
      };
    }
    return { ok: true, count, ...(head ? { head } : {}) };
  }
}
