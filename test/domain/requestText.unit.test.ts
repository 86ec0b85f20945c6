/** What people type after /prod-access and into the extension and deny modals, read without any server. */
import assert from 'node:assert/strict';
import { MAX_REASON_LENGTH, parseRequestText, readReason, readRequestedDuration } from '../../src/domain/requestText';

const HOUR = 3_600_000;
const limits = { defaultDurationMs: 4 * HOUR, maxDurationMs: 8 * HOUR };

describe('what people type after /prod-access', function () {
  const accepted: { name: string; text: string; reason: string; durationMs: number }[] = [
    { name: 'a reason alone gets the default duration', text: 'fix prod', reason: 'fix prod', durationMs: 4 * HOUR },
    { name: 'a duration then a reason', text: '2h x', reason: 'x', durationMs: 2 * HOUR },
    { name: 'exactly 1s', text: '1s x', reason: 'x', durationMs: 1_000 },
    { name: 'exactly the maximum', text: '8h x', reason: 'x', durationMs: 8 * HOUR },
    {
      name: 'leading, trailing and repeated spaces',
      text: '   1h30m   look at   the queue  ',
      reason: 'look at   the queue',
      durationMs: 1.5 * HOUR,
    },
    {
      name: 'a newline after the duration',
      text: '2h\nrotate the key',
      reason: 'rotate the key',
      durationMs: 2 * HOUR,
    },
    {
      name: 'a duration later in the text is part of the reason',
      text: 'fix 2h',
      reason: 'fix 2h',
      durationMs: 4 * HOUR,
    },
    {
      name: 'unicode, kept as typed',
      text: '1h débogage 🚀 日本語の障害',
      reason: 'débogage 🚀 日本語の障害',
      durationMs: HOUR,
    },
    {
      name: `a reason of exactly ${MAX_REASON_LENGTH} characters`,
      text: `1h ${'x'.repeat(MAX_REASON_LENGTH)}`,
      reason: 'x'.repeat(MAX_REASON_LENGTH),
      durationMs: HOUR,
    },
  ];
  for (const row of accepted) {
    it(`accepts ${row.name}`, () => {
      assert.deepEqual(parseRequestText(row.text, limits), {
        ok: true,
        reason: row.reason,
        durationMs: row.durationMs,
      });
    });
  }

  const refused: { name: string; text: string; message: RegExp }[] = [
    { name: 'nothing at all', text: '', message: /^Include a reason: why do you need production access\?/ },
    { name: 'only spaces', text: '  \t ', message: /^Include a reason/ },
    { name: 'a duration only', text: '2h', message: /^Include a reason after the duration/ },
    { name: 'a duration and spaces', text: ' 2h   ', message: /^Include a reason after the duration/ },
    { name: '0.0001s, which rounds to 0 ms', text: '0.0001s x', message: /^"0\.0001s" is shorter than the 1s/ },
    { name: '999ms', text: '999ms x', message: /^"999ms" is shorter than the 1s Keycard grants at least/ },
    { name: '0s', text: '0s x', message: /^"0s" is shorter than the 1s/ },
    { name: 'a duration over the maximum', text: '9h x', message: /^9h is longer than the 8h Keycard grants at most/ },
    { name: 'a duration over a year', text: '400d x', message: /^"400d" is longer than the 8h Keycard grants at most/ },
    { name: 'a duration Keycard cannot read', text: '2x fix', message: /^"2x" is not a duration Keycard understands/ },
    { name: 'a malformed number', text: '1.2.3h fix', message: /^"1\.2\.3h" is not a duration/ },
    {
      name: `a reason of ${MAX_REASON_LENGTH + 1} characters`,
      text: 'x'.repeat(MAX_REASON_LENGTH + 1),
      message: /^Keep the reason to 500 characters \(yours has 501\)/,
    },
    {
      name: `a duration and a reason of ${MAX_REASON_LENGTH + 1} characters`,
      text: `2h ${'x'.repeat(MAX_REASON_LENGTH + 1)}`,
      message: /^Keep the reason to 500 characters \(yours has 501\)/,
    },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}, saying what to type instead`, () => {
      const parsed = parseRequestText(row.text, limits);
      assert.equal(parsed.ok, false);
      assert.match((parsed as { message: string }).message, row.message);
    });
  }
});

describe('a duration asked for in the extension modal', function () {
  const most = 12 * HOUR;
  for (const [text, durationMs] of [
    ['1h', HOUR],
    [' 30m ', 30 * 60_000],
    ['1s', 1_000],
    ['12h', 12 * HOUR],
  ] as const) {
    it(`reads "${text}" as ${durationMs} ms`, () => {
      assert.deepEqual(readRequestedDuration(text, most), { ok: true, durationMs });
    });
  }

  const refused: [string, unknown, RegExp][] = [
    ['nothing', '', /^Write how long, like 30m or 2h/],
    ['only spaces', '   ', /^Write how long/],
    ['no value at all', undefined, /^Write how long/],
    ['a number instead of text', 5, /^Write how long/],
    ['0.0001s', '0.0001s', /^"0\.0001s" is shorter than the 1s/],
    ['0.4ms', '0.4ms', /^"0\.4ms" is shorter than the 1s/],
    ['999ms', '999ms', /^"999ms" is shorter than the 1s/],
    ['more than the maximum', '13h', /^13h is longer than the 12h Keycard grants at most/],
    ['a word', 'soon', /^"soon" is not a duration Keycard understands/],
    ['a negative duration', '-1h', /^"-1h" is not a duration/],
  ];
  for (const [name, input, message] of refused) {
    it(`refuses ${name}`, () => {
      const read = readRequestedDuration(input, most);
      assert.equal(read.ok, false);
      assert.match((read as { message: string }).message, message);
    });
  }

  it('refuses a 1 MB value without echoing all of it', () => {
    const read = readRequestedDuration('1'.repeat(1_000_000), most);
    assert.equal(read.ok, false);
    assert.ok((read as { message: string }).message.length < 200);
  });
});

describe('a reason typed into a modal', function () {
  it('is trimmed', () =>
    assert.deepEqual(readReason('  incident still open \n', 'Say why.'), { ok: true, reason: 'incident still open' }));
  for (const [name, input] of [
    ['nothing', ''],
    ['only spaces', '  \n '],
    ['no value at all', undefined],
    ['a number instead of text', 42],
  ] as const) {
    it(`refuses ${name} with the caller's request for a reason`, () => {
      assert.deepEqual(readReason(input, 'Say why.'), { ok: false, message: 'Say why.' });
    });
  }
  it(`refuses more than ${MAX_REASON_LENGTH} characters, saying how many there are`, () => {
    const read = readReason('y'.repeat(MAX_REASON_LENGTH + 40), 'Say why.');
    assert.equal(read.ok, false);
    assert.match((read as { message: string }).message, /^Keep the reason to 500 characters \(yours has 540\)/);
  });
});
