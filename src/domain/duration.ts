/**
 * Durations are strings people can read at the edges ('4h', '1h30m', '15m') and milliseconds inside.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Longer than this is a typo, not a time box (and past what timers and dates can hold safely). */
export const MAX_DURATION_MS = 366 * 86_400_000;
/** The shortest grant, extension or timeout a person or operator may ask for. */
export const MIN_REQUESTED_DURATION_MS = 1_000;
const MAX_DURATION_TEXT = 32;

export class InvalidDurationError extends Error {
  constructor(
    readonly input: string,
    message = `"${input}" is not a duration; write it like 4h, 90m, 1h30m or 45s`,
  ) {
    super(message);
    this.name = 'InvalidDurationError';
  }
}

/**
 * Parses '4h', '1h30m', '90m', '45s', '500ms', '2d' into whole milliseconds. Anything else throws: not a string,
 * zero or negative, a value that rounds to 0 ms ('0.0001s'), or more than a year.
 */
export function parseDuration(input: unknown): number {
  if (typeof input !== 'string' || input.length > MAX_DURATION_TEXT) {
    throw new InvalidDurationError(typeof input === 'string' ? `${input.slice(0, MAX_DURATION_TEXT)}…` : String(input));
  }
  const text = input.trim().toLowerCase();
  if (text === '') throw new InvalidDurationError(input);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) throw new InvalidDurationError(input);
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  const rounded = Math.round(total);
  if (!Number.isFinite(rounded) || rounded <= 0 || rounded > MAX_DURATION_MS) throw new InvalidDurationError(input);
  return rounded;
}

/**
 * A duration a person or an operator asks for (a grant, an extension): a duration of at least 1 s. Every edge and
 * every workflow validator reads requested durations through here, so what one accepts the other accepts too.
 */
export function parseRequestedDuration(input: unknown): number {
  const ms = parseDuration(input);
  if (ms < MIN_REQUESTED_DURATION_MS) {
    throw new InvalidDurationError(
      String(input),
      `"${String(input)}" is shorter than 1s; ask for at least 1s, like 30m or 2h`,
    );
  }
  return ms;
}

/** Formats milliseconds the way people write them: 14400000 → '4h', 5400000 → '1h30m', 1500 → '1.5s'. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest / 1_000}s`);
  return parts.join('');
}
