import assert from 'node:assert/strict';
import { formatDuration, InvalidDurationError, parseDuration } from '../../src/domain/duration';

describe('durations people write', function () {
  const readable: [string, number][] = [
    ['4h', 4 * 3_600_000],
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

  for (const text of ['', 'h', '4', 'four hours', '-1h', '0h', '1h-30m', '1w', '4h now', '1e3s']) {
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

  it('formats milliseconds back the way people write them', () => {
    assert.equal(formatDuration(4 * 3_600_000), '4h');
    assert.equal(formatDuration(90 * 60_000), '1h30m');
    assert.equal(formatDuration(1_500), '1.5s');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(parseDuration('1d2h3m4s')), '1d2h3m4s');
  });
});
