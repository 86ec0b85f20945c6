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

export class InvalidDurationError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a duration; write it like 4h, 90m, 1h30m or 45s`);
    this.name = 'InvalidDurationError';
  }
}

/** Parses '4h', '1h30m', '90m', '45s', '500ms', '2d' into milliseconds. Anything else, zero or negative throws. */
export function parseDuration(input: string): number {
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
  if (!Number.isFinite(total) || total <= 0) throw new InvalidDurationError(input);
  return Math.round(total);
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
