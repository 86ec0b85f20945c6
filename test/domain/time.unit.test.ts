import assert from 'node:assert/strict';
import { InvalidMomentError, parseMoment } from '../../src/domain/time';

describe('moments people type (keycard audit --at, --since, --until)', function () {
  const readable: [string, string | undefined, string][] = [
    ['2026-11-17 10:00', undefined, '2026-11-17T10:00:00.000Z'],
    ['2026-11-17T10:00:00Z', undefined, '2026-11-17T10:00:00.000Z'],
    ['2026-11-17T10:00:00.250+00:00', undefined, '2026-11-17T10:00:00.250Z'],
    ['2026-11-17', undefined, '2026-11-17T00:00:00.000Z'],
    ['2026-11-17 10:00 +02:00', undefined, '2026-11-17T08:00:00.000Z'],
    ['2026-11-17 10:00-0530', undefined, '2026-11-17T15:30:00.000Z'],
    ['2026-11-17 10:00 Europe/Berlin', undefined, '2026-11-17T09:00:00.000Z'],
    ['2026-07-17 10:00', 'Europe/Berlin', '2026-07-17T08:00:00.000Z'], // summer time
    ['2026-11-17 10:00', 'America/New_York', '2026-11-17T15:00:00.000Z'],
    ['2026-11-17 10:00Z', 'America/New_York', '2026-11-17T10:00:00.000Z'], // a zone typed wins over --tz
    ['2026-11-17 10:00 UTC', 'Asia/Tokyo', '2026-11-17T10:00:00.000Z'],
  ];
  for (const [text, zone, iso] of readable) {
    it(`reads "${text}"${zone ? ` in ${zone}` : ''} as ${iso}`, () =>
      assert.equal(parseMoment(text, zone).toISOString(), iso));
  }

  it('reads "now" as now', () => {
    const now = new Date('2026-11-17T10:00:00Z');
    assert.equal(parseMoment('now', 'UTC', now), now);
  });

  for (const [text, zone] of [
    ['last tuesday', undefined],
    ['2026-02-30 10:00', undefined],
    ['2026-11-17 24:00', undefined],
    ['2026-11-17 10:00 +25:00', undefined],
    ['2026-11-17 10:00 Mars/Olympus', undefined],
    ['2026-11-17 10:00', 'Nowhere/Atlantis'],
    ['17.11.2026 10:00', undefined],
  ] as [string, string | undefined][]) {
    it(`refuses "${text}"${zone ? ` in ${zone}` : ''} with examples of what to write`, () => {
      assert.throws(
        () => parseMoment(text, zone),
        (error: unknown) => {
          assert.ok(error instanceof InvalidMomentError);
          assert.match(error.message, /Write it like 2026-11-17 10:00/);
          return true;
        },
      );
    });
  }
});
