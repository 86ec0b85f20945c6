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
import { MongoServerError, type Collection } from 'mongodb';
import {
  link,
  type ChainableEvent,
  type ChainHead,
  type ChainLink,
  type HeadPointer,
  type PinnedHead,
  type VerifyResult,
} from './chainLinks';
import { OneAtATime } from '../oneAtATime';
import { verifyChain, type Vouched } from './verifyChain';

// Callers of the chain find its links, hashes and pins here too.
export * from './chainLinks';

const DUPLICATE_KEY = 11000;
const MAX_APPEND_ATTEMPTS = 200;

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
   * truncation); so must every signed checkpoint given. Events without a sequence number are outside the chain and
   * fail it too.
   */
  verify(pinned?: PinnedHead, checkpoints: Vouched[] = []): Promise<VerifyResult> {
    return verifyChain(this.events as unknown as Collection<ChainableEvent>, pinned, checkpoints);
  }
}
