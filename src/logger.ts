/**
 * The one logger: structured JSON on stdout. Anything that looks like a secret is redacted, even inside error dumps.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.apiKey',
  '*.password',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.authorization',
  '*.headers.authorization',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_APP_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.TEMPORAL_API_KEY',
  'config.MONGODB_URL',
];

/**
 * `secrets`: the configured secret values. Every line is scrubbed of them on its way out, whatever field, message or
 * stack trace they hide in, so they never reach a log even inside an error dump.
 */
export function createLogger(level = 'info', destination?: DestinationStream, secrets: string[] = []): Logger {
  return pino(
    {
      name: 'keycard',
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    scrubbing(destination ?? process.stdout, secrets),
  );
}

function scrubbing(destination: DestinationStream, secrets: string[]): DestinationStream {
  const needles = [...new Set(secrets.filter((secret) => secret.length >= 6))].flatMap((secret) => [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
  ]);
  if (needles.length === 0) return destination;
  return {
    write(line: string) {
      let clean = line;
      for (const needle of needles) clean = clean.split(needle).join('[redacted]');
      destination.write(clean);
    },
  };
}

/** The values in the configuration and environment that must never be logged. */
export function secretValues(config: Partial<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): string[] {
  const names = [
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'TEMPORAL_API_KEY',
    'KEYCARD_SIGNING_KEY',
  ];
  const fromConfig = names.map((name) => (typeof config[name] === 'string' ? (config[name] as string) : ''));
  const mongoPassword = /^mongodb(?:\+srv)?:\/\/[^:/@]+:([^@]+)@/.exec(String(config.MONGODB_URL ?? ''))?.[1] ?? '';
  const fromEnv = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'].map((name) => env[name] ?? '');
  return [...fromConfig, mongoPassword, decodeURIComponent(mongoPassword), ...fromEnv].filter(Boolean);
}

export type { Logger };
