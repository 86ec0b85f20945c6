/**
 * The audit hash chain on FerretDB: every kind of tampering is caught at the first event touched, a long chain
 * verifies, and concurrent writers on separate connections leave one chain without gaps.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chainHash, formatPin, GENESIS_HASH, link, parsePin } from '../../src/services/audit/auditChain';
import { GrantRecords, type AuditEvent } from '../../src/services/records';
import { connectMongo } from '../../src/mongo';
import { recordsIn } from '../support/keycard';
import { stand } from '../support/stand';

/** A database of its own on the stand's server, so no other test's events are in the chain. */
function databaseUrl(name: string): string {
  return stand().mongoUrl.replace(/\/([^/?]+)(\?|$)/, `/$1_${name}_${randomUUID().slice(0, 8)}$2`);
}

function auditEvent(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    _id: `req-${Math.ceil(n / 4)}:${n}:granted`,
    requestId: `req-${Math.ceil(n / 4)}`,
    workflowId: `prod-access-req-${Math.ceil(n / 4)}`,
    seq: ((n - 1) % 4) + 1,
    type: 'granted',
    at: new Date(Date.UTC(2026, 10, 17, 9, 0, n)),
    actor: 'keycard',
    reason: `reason ${n}: debugging the checkout 500s ✓`,
    details: { expiresAt: '2026-11-17T13:00:00.000Z', nested: { b: 2, a: [1, 'x', null] }, missing: undefined },
    ...overrides,
  };
}

async function chainOf(length: number): Promise<GrantRecords> {
  const records = await recordsIn(databaseUrl('chain'));
  for (let n = 1; n <= length; n++) await records.appendAuditEvent(auditEvent(n));
  return records;
}

async function stored(records: GrantRecords, chainSeq: number): Promise<AuditEvent> {
  return (await records.audit.findOne({ chainSeq })) as AuditEvent;
}

describe('the audit hash chain', function () {
  it('every event carries a sequence number, the previous hash and its own hash; the chain verifies', async () => {
    const records = await chainOf(6);
    const events = await records.audit.find().sort({ chainSeq: 1 }).toArray();
    assert.deepEqual(
      events.map((event) => event.chainSeq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(events[0].prevHash, GENESIS_HASH);
    for (let i = 1; i < events.length; i++) assert.equal(events[i].prevHash, events[i - 1].hash);
    assert.match(events[5].hash as string, /^[0-9a-f]{64}$/);
    assert.deepEqual(await records.chain.verify(), {
      ok: true,
      count: 6,
      head: { chainSeq: 6, hash: events[5].hash, at: events[5].at },
    });
  });

  it('a retried event (same id) is recorded once, however often it is appended', async () => {
    const records = await chainOf(3);
    assert.equal(await records.chain.append(auditEvent(2)), false);
    await records.appendAuditEvent(auditEvent(3));
    assert.equal(await records.audit.countDocuments(), 3);
    assert.equal((await records.chain.verify()).ok, true);
  });

  it('a stale or forged head pointer never makes a gap or a wrong link', async () => {
    const records = await chainOf(5);
    const pointer = records.chain.pointer;
    // A writer that stopped between its insert and moving the pointer leaves it one behind.
    const third = await stored(records, 3);
    await pointer.updateOne({ _id: 'head' }, { $set: { chainSeq: 3, hash: third.hash, eventId: third._id } });
    await records.appendAuditEvent(auditEvent(6));
    // A pointer to an event that does not exist, far ahead.
    await pointer.updateOne({ _id: 'head' }, { $set: { chainSeq: 999, hash: 'e'.repeat(64), eventId: 'nowhere' } });
    await records.appendAuditEvent(auditEvent(7));
    await pointer.deleteOne({ _id: 'head' });
    await records.appendAuditEvent(auditEvent(8));
    const result = await records.chain.verify();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.count, 8);
  });

  describe('tampering is caught at the first bad sequence number', () => {
    it('a changed reason', async () => {
      const records = await chainOf(20);
      await records.audit.updateOne({ chainSeq: 7 }, { $set: { reason: 'nothing to see here' } });
      const result = await records.chain.verify();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.firstBadSeq, 7);
      assert.match(!result.ok ? result.problem : '', /does not match its hash/);
    });

    it('a changed time and a changed detail: the earlier one is named', async () => {
      const records = await chainOf(12);
      await records.audit.updateOne({ chainSeq: 11 }, { $set: { at: new Date(Date.UTC(2026, 10, 16)) } });
      await records.audit.updateOne({ chainSeq: 4 }, { $set: { 'details.nested.b': 3 } });
      const result = await records.chain.verify();
      assert.equal(!result.ok && result.firstBadSeq, 4);
    });

    it('a deleted event', async () => {
      const records = await chainOf(20);
      await records.audit.deleteOne({ chainSeq: 5 });
      const result = await records.chain.verify();
      assert.equal(!result.ok && result.firstBadSeq, 5);
      assert.match(!result.ok ? result.problem : '', /5 is missing/);
    });

    it('two events swapped, with or without their chain fields', async () => {
      const records = await chainOf(20);
      const [eight, nine] = [await stored(records, 8), await stored(records, 9)];
      // Whole documents trade places: each takes the other's position in the chain.
      await records.audit.deleteMany({ chainSeq: { $in: [8, 9] } });
      await records.audit.insertMany([
        { ...nine, chainSeq: 8, prevHash: eight.prevHash, hash: eight.hash },
        { ...eight, chainSeq: 9, prevHash: nine.prevHash, hash: nine.hash },
      ]);
      const swapped = await records.chain.verify();
      assert.equal(!swapped.ok && swapped.firstBadSeq, 8);

      const other = await chainOf(20);
      const [three, four] = [await stored(other, 3), await stored(other, 4)];
      // Sequence numbers trade places, the rest of each document stays.
      await other.audit.updateOne({ _id: three._id }, { $set: { chainSeq: -3 } });
      await other.audit.updateOne({ _id: four._id }, { $set: { chainSeq: 3 } });
      await other.audit.updateOne({ _id: three._id }, { $set: { chainSeq: 4 } });
      const renumbered = await other.chain.verify();
      assert.equal(!renumbered.ok && renumbered.firstBadSeq, 3);
    });

    it('a forged event inserted in the middle, even with a correctly computed hash', async () => {
      const records = await chainOf(20);
      // The forger makes room at 11 (the unique index forbids two 11s) and links the forgery to event 10.
      for (let seq = 20; seq >= 11; seq--) await records.audit.updateOne({ chainSeq: seq }, { $inc: { chainSeq: 1 } });
      const ten = await stored(records, 10);
      const forged = link(
        auditEvent(99, { reason: 'approved, honest', actor: 'U0BOSS' }),
        ten as { chainSeq: number; hash: string },
      );
      await records.audit.insertOne(forged);
      const result = await records.chain.verify();
      assert.equal(result.ok, false);
      // The forgery itself links correctly; the event after it no longer does.
      assert.equal(!result.ok && result.firstBadSeq, 12);
    });

    it('a forged event with a made-up hash, in the middle or at the end', async () => {
      const records = await chainOf(20);
      await records.audit.insertOne({ ...auditEvent(21), chainSeq: 21, prevHash: GENESIS_HASH, hash: 'f'.repeat(64) });
      const atEnd = await records.chain.verify();
      assert.equal(!atEnd.ok && atEnd.firstBadSeq, 21);

      await records.audit.deleteOne({ chainSeq: 14 });
      await records.audit.insertOne({
        ...auditEvent(77),
        chainSeq: 14,
        prevHash: 'a'.repeat(64),
        hash: 'b'.repeat(64),
      });
      const inMiddle = await records.chain.verify();
      assert.equal(!inMiddle.ok && inMiddle.firstBadSeq, 14);
    });

    it('a forged event written outside the chain (no sequence number)', async () => {
      const records = await chainOf(5);
      await records.audit.insertOne(auditEvent(55, { _id: 'forged-outside' }));
      const result = await records.chain.verify();
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.problem : '', /1 event\(s\) are outside the chain.*forged-outside/);
    });

    it('a chain rewritten to the end verifies on its own, but not against the pinned head', async () => {
      const records = await chainOf(20);
      const pinned = await records.chain.head();
      assert.ok(pinned);
      const pin = parsePin(formatPin(pinned));
      assert.deepEqual(pin, { chainSeq: 20, hash: pinned.hash });
      assert.equal((await records.chain.verify(pin)).ok, true);

      // The forger changes event 15 and recomputes every hash after it.
      await records.audit.updateOne({ chainSeq: 15 }, { $set: { reason: 'rewritten' } });
      let previous = (await stored(records, 14)).hash as string;
      for (let seq = 15; seq <= 20; seq++) {
        const event = await stored(records, seq);
        const hash = chainHash(previous, event as unknown as Record<string, unknown>);
        await records.audit.updateOne({ chainSeq: seq }, { $set: { prevHash: previous, hash } });
        previous = hash;
      }
      assert.equal(
        (await records.chain.verify()).ok,
        true,
        'a full rewrite defeats any chain: that is what pins are for',
      );
      const result = await records.chain.verify(pin);
      assert.equal(!result.ok && result.firstBadSeq, 20);
    });

    it('events deleted from the end are caught by the pinned head', async () => {
      const records = await chainOf(10);
      const pin = (await records.chain.head()) as { chainSeq: number; hash: string };
      await records.audit.deleteMany({ chainSeq: { $gte: 9 } });
      assert.equal((await records.chain.verify()).ok, true);
      const result = await records.chain.verify(pin);
      assert.equal(!result.ok && result.firstBadSeq, 9);
    });
  });

  it('an untouched chain of 10,000 events verifies', async () => {
    const records = await recordsIn(databaseUrl('long'));
    const events = Array.from({ length: 10_000 }, (_, i) => auditEvent(i + 1));
    for (let start = 0; start < events.length; start += 2_000) {
      await records.chain.appendMany(events.slice(start, start + 2_000));
    }
    await records.appendAuditEvent(auditEvent(10_001));
    const result = await records.chain.verify();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.count, 10_001);
    assert.equal(result.ok && result.head?.chainSeq, 10_001);
  });

  it('2 writers × 500 concurrent appends on separate connections leave one chain with no gaps', async () => {
    const url = databaseUrl('concurrent');
    const [first, second] = [await connectMongo(url), await connectMongo(url)];
    try {
      const writers = [new GrantRecords(first.db), new GrantRecords(second.db)];
      await writers[0].ensureIndexes();
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let n = 1; n <= 500; n++) {
            await writer.appendAuditEvent(auditEvent(n, { _id: `writer-${w}:${n}`, requestId: `writer-${w}` }));
          }
        }),
      );
      const result = await writers[1].chain.verify();
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.count, 1_000);
      const sequence = (await writers[0].audit.find().sort({ chainSeq: 1 }).project({ chainSeq: 1 }).toArray()).map(
        (event) => event.chainSeq,
      );
      assert.deepEqual(
        sequence,
        Array.from({ length: 1_000 }, (_, i) => i + 1),
      );
      for (const w of [0, 1]) {
        const own = await writers[0].audit
          .find({ requestId: `writer-${w}` })
          .sort({ chainSeq: 1 })
          .toArray();
        assert.deepEqual(
          own.map((event) => event._id),
          Array.from({ length: 500 }, (_, i) => `writer-${w}:${i + 1}`),
          'each writer’s events stay in its own order',
        );
      }
    } finally {
      await first.client.close();
      await second.client.close();
    }
  });
});
