/**
 * The links of the audit hash chain: one canonical text per content, the hash of an event at its place, and the
 * pinned head as an operator writes it down. Pure functions over events; the chain's storage is in auditChain.ts.
 */
import { BSON } from 'mongodb';
import { createHash } from 'node:crypto';

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
      /** The signed checkpoint the chain contradicts, when that is the problem. */
      checkpoint?: string;
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
