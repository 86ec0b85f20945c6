import assert from 'node:assert/strict';
import { formatDuration, InvalidDurationError, parseDuration, parseRequestedDuration } from '../../src/domain/duration';

describe('durations people write', function () {
  const readable: [string, number][] = [
    ['4h', 4 * 3_600_000],
    ['0.6ms', 1],
    ['90m', 90 * 60_000],
    ['1h30m', 90 * 60_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['2d', 2 * 86_400_000],
    ['1.5h', 90 * 60_000],
    [' 2H ', 2 * 3_600_000],
  ];
  for (const [text, ms] of readable) {
    it(`reads "${text}" as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  for (const text of [
    '',
    'h',
    '4',
    'four hours',
    '-1h',
    '0h',
    '1h-30m',
    '1w',
    '4h now',
    '1e3s',
    '0.0001s',
    '0.4ms',
    '367d',
    '99999999999999999999d',
  ]) {
    it(`refuses "${text}" with an example of what to write`, () => {
      assert.throws(
        () => parseDuration(text),
        (error: unknown) => {
          assert.ok(error instanceof InvalidDurationError);
          assert.match(error.message, /write it like 4h, 90m, 1h30m or 45s/);
          return true;
        },
      );
    });
  }

  for (const input of [null, undefined, 5, ['1h'], { h: 1 }, NaN, 'x'.repeat(1_000_000)] as unknown[]) {
    it(`refuses ${typeof input === 'string' ? 'a 1 MB string' : (JSON.stringify(input) ?? String(input))} without echoing all of it`, () => {
      assert.throws(
        () => parseDuration(input),
        (error: unknown) => error instanceof InvalidDurationError && error.message.length < 200,
      );
    });
  }

  for (const [text, ms] of [
    ['1s', 1_000],
    ['1.4s', 1_400],
    ['2h', 7_200_000],
  ] as const) {
    it(`accepts "${text}" as a requested duration`, () => assert.equal(parseRequestedDuration(text), ms));
  }
  for (const text of ['999ms', '0.5s', '0.0001s', '0s']) {
    it(`refuses "${text}" as a requested duration: at least 1s`, () => {
      assert.throws(() => parseRequestedDuration(text), /at least 1s|not a duration/);
    });
  }

  it('formats milliseconds back the way people write them', () => {
    assert.equal(formatDuration(4 * 3_600_000), '4h');
    assert.equal(formatDuration(90 * 60_000), '1h30m');
    assert.equal(formatDuration(1_500), '1.5s');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(parseDuration('1d2h3m4s')), '1d2h3m4s');
  });
});
