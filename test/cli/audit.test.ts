/**
 * `keycard audit …` as an auditor runs it: a child process with MONGODB_URL only, against a history seeded through the
 * records API the worker and the reconciler use (overlapping, extended, early-revoked, handed-over, reconciled and
 * redone grants), in a database of its own.
 */
import assert from 'node:assert/strict';
import { RECONCILER_ACTOR } from '../../src/services/records';
import { targetKey } from '../../src/domain/grant';
import { at, BILLING, databaseUrl, grantStory, keycard, PROD } from '../support/auditTrail';
import { csvRecords } from '../support/csv';
import { recordsIn } from '../support/keycard';

describe('keycard audit: who had prod access, when and why', function () {
  let mongoUrl: string;
  const alice = { slackUserId: 'U0ALICE', email: 'alice@example.com' };
  const bob = { slackUserId: 'U0BOB', email: 'bob@example.com' };
  const carol = { slackUserId: 'U0CAROL', email: 'carol@example.com' };
  const dave = { slackUserId: 'U0DAVE', email: 'dave@example.com' };
  const erin = { slackUserId: 'U0ERIN', email: 'erin@example.com' };
  const frank = { slackUserId: 'U0FRANK', email: 'frank@example.com' };
  const grants: Record<string, string> = {};

  before(async () => {
    mongoUrl = databaseUrl('audit');
    const records = await recordsIn(mongoUrl);
    // Alice: 09:00–13:00, then handed over to her second, overlapping lease (12:00, still active).
    const aliceFirst = grantStory(records, alice, PROD, 'debugging the checkout 500s');
    const aliceSecond = grantStory(records, alice, PROD, 'checkout 500s, day two');
    // Bob: 09:30, planned until 10:30, extended at 10:15 to 11:30, ended then.
    const bobs = grantStory(records, bob, PROD, 'migrating the orders table');
    // Carol: 10:00 on the billing account, planned until 14:00, revoked by herself at 10:45. A reason that tests CSV.
    const carols = grantStory(records, carol, BILLING, 'fixing "billing", then\nverifying; =SUM(A1)');
    // Dave: 11:00–11:30, but his workflow was terminated: the reconciler revoked at 12:05.
    const daves = grantStory(records, dave, PROD, 'rotating keys');
    // Erin: denied, never held access.
    const erins = grantStory(records, erin, PROD, 'just curious');
    // Frank: 09:45, revoked at 10:05, but the revoke did not hold: redone by the reconciler at 10:20.
    const franks = grantStory(records, frank, PROD, 'restarting the queue');

    await aliceFirst.requested('08:55');
    await aliceFirst.approved('08:58', 'U0ANNA');
    await aliceFirst.granted('09:00', '13:00');
    await erins.requested('09:10');
    await erins.denied('09:15', 'U0ANNA', 'no ticket');
    await bobs.requested('09:25');
    await bobs.approved('09:28', 'U0ANNA');
    await bobs.granted('09:30', '10:30');
    await franks.requested('09:40');
    await franks.approved('09:44', 'U0BEN');
    await franks.granted('09:45', '13:45');
    await carols.requested('09:55');
    await carols.approved('09:58', 'U0BEN');
    await carols.granted('10:00', '14:00');
    await franks.revoked('10:05', 'U0FRANK', 'done');
    await bobs.extended('10:15', 'U0ANNA', '11:30');
    await records.appendAuditEvent({
      _id: `reconcile-1:${franks.requestId}:revoke_redone`,
      requestId: franks.requestId,
      workflowId: franks.workflowId,
      seq: 5,
      type: 'revoke_redone',
      at: new Date(at('10:20')),
      actor: RECONCILER_ACTOR,
      reason: 'recorded revoked at 10:05 but Identity Center still lists the assignment',
    });
    await carols.revoked('10:45', 'U0CAROL', 'fixed');
    await daves.requested('10:55');
    await daves.approved('10:58', 'U0ANNA');
    await daves.granted('11:00', '11:30');
    await bobs.revoked('11:30', 'keycard', 'expired');
    await aliceSecond.requested('11:55');
    await aliceSecond.approved('11:58', 'U0ANNA');
    await aliceSecond.granted('12:00', '16:00');
    await records.markRevokedByReconciler(
      (await records.grant(daves.requestId))!,
      'expired at 11:30; its workflow is no longer running (terminated, failed or lost)',
      'reconcile-2',
      new Date(at('12:05')),
    );
    await aliceFirst.revoked('13:00', 'keycard', `expired; access continues under ${aliceSecond.workflowId}`, {
      handedOverTo: aliceSecond.workflowId,
    });
    Object.assign(grants, {
      aliceFirst: aliceFirst.requestId,
      aliceSecond: aliceSecond.requestId,
      bob: bobs.requestId,
      carol: carols.requestId,
      dave: daves.requestId,
      erin: erins.requestId,
      frank: franks.requestId,
    });
  });

  async function whoAt(...args: string[]): Promise<Record<string, unknown>[]> {
    const result = await keycard(mongoUrl, 'who', ...args, '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  }

  const name = (requestId: unknown) => Object.keys(grants).find((key) => grants[key] === requestId);

  // Instants (as an auditor might type them) and who held access then.
  const table: [string[], string[]][] = [
    [['--at', '2026-11-16 23:00'], []],
    [['--at', '2026-11-17 08:59'], []], // requested and approved, not granted yet
    [['--at', '2026-11-17 09:00'], ['aliceFirst']], // a grant holds from the moment it is granted
    [
      ['--at', '2026-11-17T09:50:00Z'],
      ['aliceFirst', 'bob', 'frank'],
    ],
    [
      ['--at', '2026-11-17 11:10 +01:00'],
      ['aliceFirst', 'bob', 'frank', 'carol'],
    ], // frank's revoke did not hold
    [
      ['--at', '2026-11-17 10:30'],
      ['aliceFirst', 'bob', 'carol'],
    ], // bob's extended; frank's redone revoke held at 10:20
    [
      ['--at', '2026-11-17 10:45'],
      ['aliceFirst', 'bob'],
    ], // carol revoked early, at 10:45 exactly
    [
      ['--at', '2026-11-17 12:15', '--tz', 'Europe/Berlin'],
      ['aliceFirst', 'bob', 'dave'],
    ],
    [
      ['--at', '2026-11-17 11:45Z'],
      ['aliceFirst', 'dave'],
    ], // dave is overdue until the reconciler revokes
    [
      ['--at', '2026-11-17T12:04:59.999Z'],
      ['aliceFirst', 'dave', 'aliceSecond'],
    ],
    [
      ['--at', '2026-11-17 12:30'],
      ['aliceFirst', 'aliceSecond'],
    ], // two overlapping leases
    [['--at', '2026-11-17 13:00'], ['aliceSecond']], // the first lease handed over
    [['--at', '2026-11-17 14:00 America/New_York'], ['aliceSecond']], // still active
  ];
  for (const [args, expected] of table) {
    it(`who ${args.join(' ')} → ${expected.join(', ') || 'nobody'}`, async () => {
      const held = await whoAt(...args);
      assert.deepEqual(held.map((row) => name(row.requestId)).sort(), [...expected].sort());
    });
  }

  it('who says why, approved by whom, from when to when, and how it ended', async () => {
    const held = await whoAt('--at', '2026-11-17 10:31');
    const bobs = held.find((row) => row.requestId === grants.bob);
    assert.deepEqual(bobs, {
      requester: 'bob@example.com',
      slackUserId: 'U0BOB',
      target: targetKey(PROD),
      reason: 'migrating the orders table',
      approver: 'U0ANNA',
      from: at('09:30'),
      to: at('11:30'),
      plannedUntil: at('11:30'),
      extensions: 1,
      ending: 'expired',
      endedBy: 'keycard',
      endReason: 'expired',
      requestId: grants.bob,
      workflowId: `prod-access-${grants.bob}`,
    });
    const alices = held.find((row) => row.requestId === grants.aliceFirst);
    assert.equal(alices?.ending, 'handed over');
    const late = await whoAt('--at', '2026-11-17 12:00');
    const daves = late.find((row) => row.requestId === grants.dave);
    assert.equal(daves?.ending, 'revoked by reconciler');
    assert.equal(daves?.endedBy, 'keycard-reconciler');
    assert.equal(daves?.to, at('12:05'));
    const aliceNow = late.find((row) => row.requestId === grants.aliceSecond);
    assert.equal(aliceNow?.to, null, 'still active');
  });

  it('who narrows to a person or a target', async () => {
    assert.deepEqual(
      (await whoAt('--at', '2026-11-17 10:10', '--target', 'ps-billing')).map((row) => name(row.requestId)),
      ['carol'],
    );
    assert.deepEqual(
      (await whoAt('--at', '2026-11-17 10:10', '--target', '210987654321')).map((row) => name(row.requestId)),
      ['carol'],
    );
    assert.deepEqual(
      (await whoAt('--at', '2026-11-17 12:30', '--user', 'ALICE@example.com')).map((row) => name(row.requestId)),
      ['aliceFirst', 'aliceSecond'],
    );
    assert.deepEqual(
      (await whoAt('--at', '2026-11-17 12:30', '--user', 'U0BOB')).map((row) => name(row.requestId)),
      [],
    );
  });

  it('who prints a table for people: one line per grant, open grants still active', async () => {
    const result = await keycard(mongoUrl, 'who', '--at', '2026-11-17 12:30');
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'At 2026-11-17T12:30:00.000Z:');
    assert.match(lines[1], /^REQUESTER\s+TARGET\s+REASON\s+APPROVER\s+FROM\s+TO$/);
    assert.match(lines[2], /alice@example\.com\s+ps-prod @ 123456789012\s+debugging the checkout 500s\s+U0ANNA/);
    assert.match(lines[3], /2026-11-17 12:00:00Z\s+still active$/);
    const nobody = await keycard(mongoUrl, 'who', '--at', '2026-11-16 10:00');
    assert.equal(nobody.stdout, 'Nobody held production access at 2026-11-16T10:00:00.000Z.\n');
    const carolsTable = await keycard(mongoUrl, 'grants', '--user', 'carol@example.com');
    assert.match(carolsTable.stdout, /fixing "billing", then verifying; =SUM\(A1\)/, 'one line per row');
  });

  it('grants: one row per grant that held access in the period, with its lifetime', async () => {
    const result = await keycard(
      mongoUrl,
      'grants',
      '--since',
      '2026-11-17 10:25',
      '--until',
      '2026-11-17 11:00',
      '--format',
      'json',
    );
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((row) => name(row.requestId)),
      ['aliceFirst', 'bob', 'carol', 'dave'],
      'frank ended at 10:20, alice’s second lease started at 12:00, erin was never granted',
    );
    assert.deepEqual(
      rows.map((row) => [row.from, row.to, row.ending]),
      [
        [at('09:00'), at('13:00'), 'handed over'],
        [at('09:30'), at('11:30'), 'expired'],
        [at('10:00'), at('10:45'), 'revoked'],
        [at('11:00'), at('12:05'), 'revoked by reconciler'],
      ],
    );
    const all = JSON.parse((await keycard(mongoUrl, 'grants', '--format', 'json')).stdout) as Record<string, unknown>[];
    assert.equal(all.length, 6);
    const franks = all.find((row) => row.requestId === grants.frank);
    assert.deepEqual([franks?.to, franks?.ending], [at('10:20'), 'revoke redone by reconciler']);
  });

  it('list, grants and who: CSV and JSON parse back to the same records', async () => {
    for (const [command, numbers] of [
      [['list'], ['chainSeq', 'seq']],
      [
        ['list', '--since', '2026-11-17 10:00', '--until', '2026-11-17 11:00', '--user', 'carol@example.com'],
        ['chainSeq', 'seq'],
      ],
      [['grants'], ['extensions']],
      [['who', '--at', '2026-11-17 10:10'], ['extensions']],
    ] as [string[], string[]][]) {
      const json = await keycard(mongoUrl, ...command, '--format', 'json');
      const csv = await keycard(mongoUrl, ...command, '--format', 'csv');
      assert.equal(json.code, 0, json.stderr);
      assert.equal(csv.code, 0, csv.stderr);
      const records = JSON.parse(json.stdout) as Record<string, unknown>[];
      assert.ok(records.length > 0, command.join(' '));
      assert.deepEqual(csvRecords(csv.stdout, numbers), records, command.join(' '));
    }
    const events = JSON.parse((await keycard(mongoUrl, 'list', '--format', 'json')).stdout) as Record<
      string,
      unknown
    >[];
    assert.equal(events.length, 27);
    assert.deepEqual(
      events.map((event) => event.chainSeq),
      events.map((_, i) => i + 1),
      'seeded in time order, so time order is chain order',
    );
    const carols = events.filter((event) => event.requester === 'carol@example.com');
    assert.deepEqual(
      carols.map((event) => event.type),
      ['requested', 'approved', 'granted', 'revoked'],
    );
    assert.equal(carols[0].reason, 'fixing "billing", then\nverifying; =SUM(A1)');
  });

  it('verify exits 0 on the intact chain, head prints a pin that verify checks', async () => {
    const verified = await keycard(mongoUrl, 'verify');
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(
      verified.stdout,
      /^audit chain intact: 27 event\(s\); head [0-9a-f]{64}@27\nWARNING: no checkpoint protects the chain: AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET are not set, .*\n$/,
    );
    const head = await keycard(mongoUrl, 'head');
    assert.equal(head.code, 0, head.stderr);
    const printed = JSON.parse(head.stdout);
    assert.equal(printed.chainSeq, 27);
    assert.equal(printed.at, at('13:00'));
    assert.equal(printed.pin, `${printed.hash}@27`);
    const pinned = await keycard(mongoUrl, 'verify', '--head', printed.pin);
    assert.equal(pinned.code, 0, pinned.stdout);
    assert.match(pinned.stdout, /the pinned head 27 is in it/);
  });

  it('verify exits 1 naming the first bad sequence number; a bad pin or no MONGODB_URL exits 2', async () => {
    const url = databaseUrl('audit_tamper');
    const records = await recordsIn(url);
    const story = grantStory(records, erin, PROD, 'checking the logs');
    await story.requested('08:00');
    await story.approved('08:01', 'U0ANNA');
    await story.granted('08:02', '09:02');
    await story.revoked('08:30', 'U0ERIN', 'done');
    const pin = JSON.parse((await keycard(url, 'head')).stdout).pin as string;
    await records.audit.updateOne({ chainSeq: 2 }, { $set: { actor: 'U0SOMEONE_ELSE' } });

    const broken = await keycard(url, 'verify');
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^audit chain BROKEN at sequence number 2: event 2 .* does not match its hash/);
    const json = await keycard(url, 'verify', '--json', '--head', pin);
    assert.equal(json.code, 1);
    assert.deepEqual(
      { ...JSON.parse(json.stdout), problem: undefined },
      { ok: false, firstBadSeq: 2, count: 1, problem: undefined, checkpoints: null },
    );

    const badPin = await keycard(url, 'verify', '--head', 'not-a-pin');
    assert.equal(badPin.code, 2);
    assert.match(badPin.stderr, /not a pinned head/);
    const badTime = await keycard(url, 'who', '--at', 'last tuesday');
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /not a moment Keycard understands/);
    const badFormat = await keycard(url, 'list', '--format', 'xml');
    assert.equal(badFormat.code, 2);
    const unconfigured = await keycard(undefined, 'verify');
    assert.equal(unconfigured.code, 2);
    assert.match(unconfigured.stderr, /MONGODB_URL is required/);
    assert.doesNotMatch(unconfigured.stderr, /AWS_REGION|SLACK/);
  });

  it('who and grants take a still-active grant from its chained events, even when its grants record was deleted or altered by hand', async () => {
    const url = databaseUrl('audit_records_altered');
    const records = await recordsIn(url);
    const deleted = grantStory(records, bob, PROD, 'migrating the orders table');
    const altered = grantStory(records, carol, BILLING, 'fixing billing');
    for (const [story, approver] of [
      [deleted, 'U0ANNA'],
      [altered, 'U0BEN'],
    ] as const) {
      await story.requested('09:00');
      await story.approved('09:01', approver);
      await story.granted('09:02', '23:00');
    }
    const before = async (command: string, ...args: string[]) => {
      const result = await keycard(url, command, ...args, '--format', 'json');
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Record<string, unknown>[];
    };
    const heldBefore = await before('who', '--at', '2026-11-17 12:00');
    const grantsBefore = await before('grants');
    assert.equal(heldBefore.length, 2);

    // Someone with write access to MongoDB hides one live grant and rewrites the other (the grants collection is
    // not chained): deleted, or ended, re-owned and re-reasoned.
    await records.grants.deleteOne({ _id: deleted.requestId });
    await records.grants.updateOne(
      { _id: altered.requestId },
      {
        $set: {
          state: 'revoked',
          reason: 'routine',
          approver: 'U0SOMEONE',
          'requester.email': 'nobody@example.com',
          expiresAt: new Date(at('09:03')),
        },
      },
    );
    assert.deepEqual(await before('who', '--at', '2026-11-17 12:00'), heldBefore, 'who still shows both, from events');
    assert.deepEqual(await before('grants'), grantsBefore, 'grants still shows both, from events');
    const carols = heldBefore.find((row) => row.requestId === altered.requestId);
    assert.deepEqual(
      [carols?.requester, carols?.reason, carols?.approver, carols?.to, carols?.plannedUntil],
      ['carol@example.com', 'fixing billing', 'U0BEN', null, at('23:00')],
    );
    const now = await before('who');
    assert.deepEqual(
      now.map((row) => row.requestId).sort(),
      [deleted.requestId, altered.requestId].sort(),
      'still active now: no ending event',
    );
  });

  it('who and grants leave out an event edited by hand, say so on stderr and exit 1', async () => {
    const url = databaseUrl('audit_event_altered');
    const records = await recordsIn(url);
    const story = grantStory(records, dave, PROD, 'rotating keys');
    await story.requested('09:00');
    await story.approved('09:01', 'U0ANNA');
    await story.granted('09:02', '10:02');
    await story.revoked('09:30', 'U0DAVE', 'done');
    // The revoke is edited away without recomputing the hash: the grant would look still active.
    await records.audit.updateOne({ chainSeq: 4 }, { $set: { type: 'approved' } });
    const who = await keycard(url, 'who', '--at', '2026-11-17 09:40', '--format', 'json');
    assert.equal(who.code, 1);
    assert.match(
      who.stderr,
      /the audit trail was altered; run `keycard audit verify`:\n {2}- event 4 \(.*\) does not match its hash/,
    );
    const list = await keycard(url, 'list', '--format', 'json');
    assert.equal(list.code, 1);
    assert.equal(JSON.parse(list.stdout).length, 4, 'list shows every event, the altered one too');
  });
});
