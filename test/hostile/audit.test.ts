/**
 * Hostile text in the audit trail, one row each: a reason (or an event id) built to run as a spreadsheet formula or
 * to drive the auditor's terminal, written through the records API the worker uses and read back by the real
 * `keycard audit …` (a child process). Each row asserts what was printed, and that the store did not change.
 */
import assert from 'node:assert/strict';
import type { GrantRecords } from '../../src/services/records';
import { databaseUrl, grantStory, keycard, PROD, type CliResult } from '../support/auditTrail';
import { parseCsv } from '../support/csv';
import { recordsIn } from '../support/keycard';

const REQUESTER = { slackUserId: 'U0MALLORY', email: 'mallory@example.com' };

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Every document of the collections Keycard writes, as text: what "nothing changed" compares. */
async function storeSnapshot(records: GrantRecords): Promise<string> {
  const [audit, grants, head] = await Promise.all([
    records.audit.find({}).sort({ _id: 1 }).toArray(),
    records.grants.find({}).sort({ _id: 1 }).toArray(),
    records.chain.pointer.find({}).toArray(),
  ]);
  return JSON.stringify({ audit, grants, head });
}

/** A granted-and-revoked grant with this reason: four chained events. */
async function grantWithReason(records: GrantRecords, reason: string): Promise<string> {
  const story = grantStory(records, REQUESTER, PROD, reason);
  await story.requested('09:00');
  await story.approved('09:01', 'U0ANNA');
  await story.granted('09:02', '13:02');
  await story.revoked('09:30', 'U0MALLORY', 'done');
  return story.requestId;
}

/** The reason column of `list --format csv` (header row first), as a spreadsheet would read the cells. */
function csvReasons(result: CliResult): string[] {
  const [header, ...rows] = parseCsv(result.stdout);
  const column = header.indexOf('reason');
  return rows.map((row) => row[column]).filter((cell) => cell !== '');
}

interface Row {
  name: string;
  /** What the store gets: a reason, or a setup of its own. */
  seed: (records: GrantRecords) => Promise<unknown>;
  command: string[];
  expect: (result: CliResult) => void;
}

const formula = (reason: string, shown: string): Row => ({
  name: `a ${JSON.stringify(reason)} reason exported as CSV starts with a quote`,
  seed: (records) => grantWithReason(records, reason),
  command: ['list', '--format', 'csv'],
  expect: (result) => {
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(new Set(csvReasons(result)), new Set([shown, 'done']));
  },
});

/** No raw control character on either stream, and these texts shown as text. */
const inert =
  (...shown: (string | RegExp)[]) =>
  (result: CliResult) => {
    assert.doesNotMatch(result.stdout, RAW_CONTROL, 'stdout');
    assert.doesNotMatch(result.stderr, RAW_CONTROL, 'stderr');
    for (const text of shown) {
      if (typeof text === 'string') assert.ok(result.stdout.includes(text), `shows ${text}:\n${result.stdout}`);
      else assert.match(result.stdout + result.stderr, text);
    }
  };

const HYPERLINK = '\u001b]8;;http://evil.example/\u0007approved by security\u001b]8;;\u0007';
const CLEAR = 'fine\u001b[2J\u001b[H';
const C1 = 'x\u009b31mred\u009b0m';
const TITLE = '\u001b]0;keycard: all clear\u0007window';

const rows: Row[] = [
  formula('=HYPERLINK("http://evil.example","click me")', `'=HYPERLINK("http://evil.example","click me")`),
  formula("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
  formula('-2+3', "'-2+3"),
  formula('@SUM(1+1)*cmd|" /C calc"!A0', `'@SUM(1+1)*cmd|" /C calc"!A0`),
  formula('\t=1+1', "'=1+1"),
  formula('\r=1+1', "'=1+1"),
  {
    name: 'the =HYPERLINK reason in grants and who CSV starts with a quote too',
    seed: (records) => grantWithReason(records, '=HYPERLINK("http://evil.example","x")'),
    command: ['grants', '--format', 'csv'],
    expect: (result) => {
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(csvReasons(result), [`'=HYPERLINK("http://evil.example","x")`]);
    },
  },
  {
    name: 'the =HYPERLINK reason stays itself in JSON (a tool reads it as data)',
    seed: (records) => grantWithReason(records, '=HYPERLINK("http://evil.example","x")'),
    command: ['grants', '--format', 'json'],
    expect: (result) => {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout)[0].reason, '=HYPERLINK("http://evil.example","x")');
    },
  },
  {
    name: 'an OSC 8 hyperlink in a reason: audit list shows its text, not a link',
    seed: (records) => grantWithReason(records, HYPERLINK),
    command: ['list'],
    expect: inert('approved by security'),
  },
  {
    name: 'an OSC 8 hyperlink in a reason: audit grants shows its text, not a link',
    seed: (records) => grantWithReason(records, HYPERLINK),
    command: ['grants'],
    expect: inert('approved by security'),
  },
  {
    name: 'a clear-screen sequence (ESC [2J) in a reason: audit who shows the text only',
    seed: (records) => grantWithReason(records, CLEAR),
    command: ['who', '--at', '2026-11-17 09:10'],
    expect: inert(/mallory@example\.com\s+ps-prod @ 123456789012\s+fine\s+U0ANNA/),
  },
  {
    name: 'a clear-screen sequence in a reason exported as CSV is stripped',
    seed: (records) => grantWithReason(records, CLEAR),
    command: ['list', '--format', 'csv'],
    expect: (result) => {
      inert()(result);
      assert.deepEqual(new Set(csvReasons(result)), new Set(['fine', 'done']));
    },
  },
  {
    name: 'a C1 control (U+009B CSI) in a reason: stripped in the table',
    seed: (records) => grantWithReason(records, C1),
    command: ['list'],
    expect: inert('xred'),
  },
  {
    name: 'a C1 control (U+009B CSI) in a reason: escaped in JSON, the value intact',
    seed: (records) => grantWithReason(records, C1),
    command: ['list', '--format', 'json'],
    expect: (result) => {
      inert('\\u009b31m')(result);
      assert.equal(JSON.parse(result.stdout)[0].reason, C1);
    },
  },
  {
    name: 'a window-title sequence (OSC 0) in a reason: audit grants shows the text only',
    seed: (records) => grantWithReason(records, TITLE),
    command: ['grants'],
    expect: inert('window'),
  },
  {
    name: 'an escape sequence in the id of an event edited by hand: verify names it as text',
    seed: async (records) => {
      await grantWithReason(records, 'checking the logs');
      const id = 'reconcile-1\u001b[2J\u001b]8;;http://evil.example/\u0007:r1\u001b]8;;\u0007\u009b31m:revoke_redone';
      await records.appendAuditEvent({
        _id: id,
        requestId: 'r1',
        workflowId: 'prod-access-r1',
        seq: 5,
        type: 'revoke_redone',
        at: new Date('2026-11-17T09:40:00.000Z'),
        actor: 'keycard-reconciler',
      });
      await records.audit.updateOne({ _id: id }, { $set: { actor: 'someone else' } });
    },
    command: ['verify'],
    expect: (result) => {
      assert.equal(result.code, 1);
      inert(
        /^audit chain BROKEN at sequence number 5: event 5 \(reconcile-1:r1:revoke_redone\) does not match its hash: it was changed or moved\n/,
      )(result);
    },
  },
  {
    name: 'a terminal escape in a forged event written outside the chain: verify problems show it as text',
    seed: async (records) => {
      await grantWithReason(records, 'checking the logs');
      await records.audit.insertOne({
        _id: 'forged\u001b[2J\u001b]8;;http://evil.example/\u0007hidden\u001b]8;;\u0007\u009b31m',
        requestId: 'forged',
        workflowId: 'prod-access-forged',
        seq: 1,
        type: 'granted',
        at: new Date('2026-11-17T09:05:00.000Z'),
        actor: 'keycard',
      });
    },
    command: ['verify'],
    expect: (result) => {
      assert.equal(result.code, 1);
      inert(/1 event\(s\) are outside the chain \(no sequence number\), e\.g\. forgedhidden: written around Keycard/)(
        result,
      );
    },
  },
  {
    name: 'the same forged event in verify --json: escaped, not raw',
    seed: async (records) => {
      await records.audit.insertOne({
        _id: 'forged\u001b[2J\u009b31m',
        requestId: 'forged',
        workflowId: 'prod-access-forged',
        seq: 1,
        type: 'granted',
        at: new Date('2026-11-17T09:05:00.000Z'),
        actor: 'keycard',
      });
    },
    command: ['verify', '--json'],
    expect: (result) => {
      assert.equal(result.code, 1);
      inert('forged\\u001b[2J\\u009b31m')(result);
      assert.ok((JSON.parse(result.stdout).problem as string).includes('forged\u001b[2J\u009b31m'), 'the value intact');
    },
  },
  {
    name: 'an escape sequence typed as an argument: the error on stderr shows it as text',
    seed: (records) => grantWithReason(records, 'checking the logs'),
    command: ['who', '--at', '\u001b[2J\u001b]0;pwned\u0007yesterday'],
    expect: (result) => {
      assert.equal(result.code, 2);
      inert(/"yesterday" is not a moment Keycard understands/)(result);
    },
  },
  {
    name: 'an escape sequence in an unknown option: commander’s error shows it as text',
    seed: (records) => grantWithReason(records, 'checking the logs'),
    command: ['list', '--\u001b[2Jevil'],
    expect: (result) => {
      assert.equal(result.code, 2);
      inert(/unknown option '--evil'/)(result);
    },
  },
];

describe('hostile text in the audit trail stays inert', function () {
  for (const row of rows) {
    it(row.name, async () => {
      const url = databaseUrl('hostile_audit');
      const records = await recordsIn(url);
      await row.seed(records);
      const before = await storeSnapshot(records);
      row.expect(await keycard(url, ...row.command));
      assert.equal(await storeSnapshot(records), before, 'the store did not change');
    });
  }
});
