/** The one way Keycard shows a moment to people: '15:42 UTC' today, '2026-11-24 15:42 UTC' otherwise. */
export function formatUtc(at: Date | string | number, now: Date = new Date()): string {
  const moment = new Date(at);
  const iso = moment.toISOString();
  const clock = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? clock : `${iso.slice(0, 10)} ${clock}`;
}

export class InvalidMomentError extends Error {
  constructor(
    readonly input: string,
    why: string,
  ) {
    super(
      `"${input}" is not a moment Keycard understands (${why}). Write it like 2026-11-17 10:00, ` +
        '2026-11-17T10:00:00Z, "2026-11-17 10:00 +02:00" or "2026-11-17 10:00 Europe/Berlin"; without a zone it is UTC.',
    );
    this.name = 'InvalidMomentError';
  }
}

const MOMENT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?)|\s+([A-Za-z][\w+-]*(?:\/[\w+-]+)*))?$/i;

/**
 * A moment people type: an ISO timestamp, or `YYYY-MM-DD[ HH:MM[:SS]]` with an optional zone after it (`Z`,
 * `+02:00`, or an IANA name such as `Europe/Berlin`). Without one, `timeZone` applies (default UTC). `now` is now.
 */
export function parseMoment(text: string, timeZone = 'UTC', now: Date = new Date()): Date {
  const input = text.trim();
  if (input.toLowerCase() === 'now') return now;
  const match = MOMENT.exec(input);
  if (!match) throw new InvalidMomentError(text, 'unrecognised format');
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', offset, zoneName] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const wallClock = Date.UTC(
    fields[0],
    fields[1] - 1,
    fields[2],
    fields[3],
    fields[4],
    fields[5],
    Number(fraction.padEnd(3, '0')),
  );
  const check = new Date(wallClock);
  if (
    check.getUTCFullYear() !== fields[0] ||
    check.getUTCMonth() !== fields[1] - 1 ||
    check.getUTCDate() !== fields[2] ||
    fields[3] > 23 ||
    fields[4] > 59 ||
    fields[5] > 59
  ) {
    throw new InvalidMomentError(text, 'no such date or time');
  }
  if (offset) {
    if (offset.toUpperCase() === 'Z') return check;
    const [, sign, hours, minutes = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset) as RegExpExecArray;
    if (Number(hours) > 23 || Number(minutes) > 59) throw new InvalidMomentError(text, `bad offset ${offset}`);
    const offsetMs = (Number(hours) * 60 + Number(minutes)) * 60_000 * (sign === '-' ? -1 : 1);
    return new Date(wallClock - offsetMs);
  }
  const zone = zoneName ?? timeZone;
  // The zone's offset at the wall-clock time, looked up twice so a moment next to a DST change lands right.
  const first = wallClock - zoneOffsetMs(zone, wallClock, text);
  return new Date(wallClock - zoneOffsetMs(zone, first, text));
}

/** How far `timeZone`'s wall clock is ahead of UTC at `utcMs`. */
function zoneOffsetMs(timeZone: string, utcMs: number, input: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(new Date(utcMs));
  } catch {
    throw new InvalidMomentError(input, `unknown time zone ${timeZone}`);
  }
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}
