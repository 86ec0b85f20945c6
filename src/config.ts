/**
 * The one configuration loader. Reads the environment (and a .env file when present), validates every variable,
 * and reports all problems at once, each naming the variable, what is wrong, and an example.
 */
import { z } from 'zod';
import { readCatalogFile, type CatalogLimits } from './catalogFile';
import { catalogTargets, GRANTED_PERMISSION_SET_PATTERN, implicitCatalog, type Catalog } from './domain/catalog';
import { formatDuration, parseDuration } from './domain/duration';
import { DEFAULT_MAX_TOTAL_DURATION, type Target } from './domain/grant';
import {
  lockoutRisks,
  PERMISSION_SET_ARN_PATTERN,
  PRINCIPAL_ID_PATTERN,
  protectionFrom,
  type Protection,
} from './domain/protection';

const duration = (example: string) =>
  z.string().transform((text, context) => {
    try {
      return parseDuration(text);
    } catch {
      context.addIssue({ code: 'custom', message: `not a duration (example: ${example})` });
      return z.NEVER;
    }
  });

/** The longest GROUP_MEMBERS_CACHE: longer, and someone taken out of the approvers' group could approve for too long. */
export const MAX_GROUP_MEMBERS_CACHE_MS = 600_000;

/** A duration that may be zero (`0s`: no cache), and at most `maxMs`. */
const cacheDuration = (example: string, maxMs: number) =>
  z.string().transform((text, context) => {
    let ms: number;
    try {
      ms = /^0+(\.0+)?(ms|s|m|h|d)?$/.test(text.trim()) ? 0 : parseDuration(text);
    } catch {
      context.addIssue({ code: 'custom', message: `not a duration (example: ${example}; 0s for none)` });
      return z.NEVER;
    }
    if (ms > maxMs) {
      context.addIssue({
        code: 'custom',
        message: `must be at most ${formatDuration(maxMs)}: someone taken out of a group keeps its rights this long (example: ${example})`,
      });
      return z.NEVER;
    }
    return ms;
  });

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => ['true', '1', 'yes'].includes(value));

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('keycard'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  MONGODB_URL: z
    .string({ error: 'is required (example: mongodb://127.0.0.1:27017/keycard)' })
    .regex(
      /^mongodb(\+srv)?:\/\//,
      'must start with mongodb:// or mongodb+srv:// (example: mongodb://127.0.0.1:27017/keycard)',
    ),
  AWS_REGION: z
    .string({ error: 'is required: the region of your Identity Center instance (example: eu-west-1)' })
    .min(1),
  AWS_ENDPOINT_URL: z.url().optional(),
  IDENTITY_CENTER_INSTANCE_ARN: z
    .string({ error: 'is required (example: arn:aws:sso:::instance/ssoins-1234567890abcdef)' })
    .regex(
      /^arn:aws[a-z-]*:sso:::instance\/\S+$/,
      'must be an instance ARN (example: arn:aws:sso:::instance/ssoins-1234567890abcdef)',
    ),
  IDENTITY_STORE_ID: z
    .string({ error: 'is required (example: d-1234567890)' })
    .regex(/^[\w-]{1,64}$/, 'must be an identity store id (example: d-1234567890)'),
  /** The single target's account and permission set: required without CATALOG_FILE, optional with one. */
  TARGET_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id (example: 123456789012)')
    .optional(),
  PERMISSION_SET_ARN: z
    .string()
    .regex(
      GRANTED_PERMISSION_SET_PATTERN,
      'must be a permission set ARN (example: arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
    )
    .optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token (xoxb-…)')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'is too short to be a signing secret').optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token (xapp-…) for Socket Mode')
    .optional(),
  SLACK_API_URL: z.url('must be a URL (example: https://slack-gov.com/api/)').optional(),
  /** Keycard's own Slack app and workspace; both are learned from the bot token (auth.test) and, when set, must match. */
  SLACK_APP_ID: z
    .string()
    .regex(/^A[A-Z0-9]{2,}$/, 'must be a Slack app id (example: A0123456789)')
    .optional(),
  SLACK_TEAM_ID: z
    .string()
    .regex(/^T[A-Z0-9]{2,}$/, 'must be a Slack team id (example: T0123456789)')
    .optional(),
  /** `/prod-access` requests one person may make per rolling minute. */
  REQUEST_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(1, 'must be a whole number of requests per minute, at least 1 (example: 5)')
    .default(5),
  APPROVER_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (example: C0123456789)')
    .optional(),
  APPROVERS: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine((ids) => ids.length > 0 && ids.every((id) => /^[UWS][A-Z0-9]{2,}$/.test(id)), {
      message:
        'must list Slack user ids (U…) and/or user-group ids (S…), comma-separated (example: U0123ABCD,S0456EFGH)',
    })
    .optional(),
  /**
   * The target catalog (YAML): several targets, each with its accounts, permission set, durations, requesters and
   * approvers. Read and validated at start-up; without it, the single-target settings make one implicit target.
   */
  CATALOG_FILE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  OPS_PORT: z.coerce.number().int().min(1).max(65534).default(9464),
  /** The Temporal SDK's own Prometheus exporter; /metrics on OPS_PORT includes it. Default: OPS_PORT + 1. */
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  REQUEST_TIMEOUT: duration('1h').default(parseDuration('1h')),
  MAX_GRANT_DURATION: duration('8h').default(parseDuration('8h')),
  MAX_TOTAL_GRANT_DURATION: duration('12h').default(parseDuration('12h')),
  EXPIRY_WARNING: duration('15m').default(parseDuration('15m')),
  GRANT_TTL: duration('4h').default(parseDuration('4h')),
  /**
   * How long the members of a Slack user group (approvers, requesters) are kept before `usergroups.users.list` is
   * asked again: a person removed from a group may still act for this long. `0s`: asked at every click.
   */
  GROUP_MEMBERS_CACHE: cacheDuration('30s', MAX_GROUP_MEMBERS_CACHE_MS).default(parseDuration('30s')),
  IDENTITY_CENTER_POLL_INTERVAL: duration('1s').default(parseDuration('1s')),
  IDENTITY_CENTER_RATE: z.coerce.number().positive('must be a positive number of calls per second').default(20),
  /** Workflows kept in the worker's memory between their tasks; the rest wait on their timers as history only. */
  WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(2, 'must be a whole number of at least 2').default(250),
  RECONCILE_INTERVAL: duration('5m').default(parseDuration('5m')),
  RECONCILE_GRACE: duration('2m').default(parseDuration('2m')),
  /** How long past its expiry a grant may stay assigned before the reconciler revokes it even with its workflow running. */
  RECONCILE_OVERDUE_REVOKE: duration('10m').default(parseDuration('10m')),
  RECONCILE_MODE: z.enum(['report', 'enforce'], { error: 'must be report or enforce' }).default('report'),
  RECONCILE_ALLOW: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .default([]),
  /**
   * The key Keycard's front door (the Slack app, `keycard extend`) signs requests and decisions with, and the worker
   * checks them with: without a valid proof, Temporal access alone grants nothing. Required by those three.
   */
  KEYCARD_SIGNING_KEY: z
    .string()
    .min(32, 'is too short: use at least 32 random characters (example: `openssl rand -base64 32`)')
    .optional(),
  /**
   * Assignments no sweep or bulk revoke ever removes: Identity Center user and group ids (emergency admins,
   * automation users) and permission set ARNs, comma-separated. Ids, not emails: nothing here is looked up.
   */
  PROTECTED_PRINCIPALS: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine(
      (entries) => entries.every((entry) => PRINCIPAL_ID_PATTERN.test(entry) || PERMISSION_SET_ARN_PATTERN.test(entry)),
      {
        message:
          'must list Identity Center user or group ids and/or permission set ARNs, comma-separated; emails and names are not resolved (example: 906754a1b2-1234abcd-5678-90ef-1234-567890abcdef,arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
      },
    )
    .default([]),
  /** The permission set Keycard's own AWS access comes from, when it runs with one: never managed, never removed. */
  KEYCARD_PERMISSION_SET_ARN: z
    .string()
    .regex(
      PERMISSION_SET_ARN_PATTERN,
      'must be a permission set ARN (example: arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
    )
    .optional(),
  /** How often the worker checks that it can still revoke (the Identity Center calls the revoke path needs). */
  REVOKE_PROBE_INTERVAL: duration('1m').default(parseDuration('1m')),
  /** The asymmetric KMS key (id, ARN or alias) that signs audit checkpoints; with AUDIT_CHECKPOINT_BUCKET. */
  AUDIT_CHECKPOINT_KEY_ID: z
    .string()
    .regex(
      /^(arn:aws[a-z-]*:kms:\S+|alias\/[\w/+=,.@-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/,
      'must be a KMS key id, key ARN or alias (example: alias/keycard-audit-checkpoints)',
    )
    .optional(),
  /** The S3 bucket (Object Lock on) that keeps the signed checkpoints; with AUDIT_CHECKPOINT_KEY_ID. */
  AUDIT_CHECKPOINT_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (example: example-keycard-audit)')
    .optional(),
  /** How long each checkpoint is locked (compliance mode: nobody, root included, can delete it before). */
  AUDIT_CHECKPOINT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1, 'must be a whole number of days, at least 1 (example: 365)')
    .max(36_500, 'must be at most 36500 days (example: 2557 for seven years)')
    .default(365),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type Config = z.output<typeof schema> & {
  /** CATALOG_FILE, read and validated by loadConfig; undefined when none is set (see catalogOf). */
  catalog?: Catalog;
};

/** Said when the Slack app is started with no Slack settings at all: most likely someone trying Keycard out. */
export const DEMO_HINT =
  'To try Keycard without a Slack workspace or an AWS account, run `npm run demo` (a local page plays Slack, moto plays Identity Center).';

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    hint?: string,
  ) {
    super(
      `Keycard cannot start: the configuration has ${problems.length} problem(s):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSet them in the environment or in a .env file (see .env.example).' +
        (hint ? `\n${hint}` : ''),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env`; throws ConfigError naming every bad or missing variable. Empty strings count as unset.
 * `slack: true` (the Slack app) also requires what Slack needs.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { slack = false } = {}): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  const value = (name: string) => present[name];
  if (Boolean(value('TEMPORAL_TLS_CERT_PATH')) !== Boolean(value('TEMPORAL_TLS_KEY_PATH'))) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS client pair)');
  }
  problems.push(...checkpointPairProblems(value));
  if (result.success && result.data.GRANT_TTL > result.data.MAX_GRANT_DURATION) {
    problems.push('GRANT_TTL must not be longer than MAX_GRANT_DURATION');
  }
  // Read even when other variables are wrong, so every problem is named at once.
  let catalog: Catalog | undefined;
  const catalogFile = value('CATALOG_FILE');
  if (catalogFile) {
    const reading = catalogFileReading(catalogFile, {
      maxTotalMs: result.success
        ? result.data.MAX_TOTAL_GRANT_DURATION
        : durationOrUndefined(value('MAX_TOTAL_GRANT_DURATION') ?? DEFAULT_MAX_TOTAL_DURATION),
    });
    problems.push(...reading.problems);
    catalog = reading.catalog;
  }
  problems.push(...singleTargetProblems(value, Boolean(catalogFile)));
  if (result.success) {
    const { data } = result;
    // The lock-out rule over every managed target: the single target's, then each catalog target's, named by its key.
    const single = singleTargetOf(data);
    problems.push(...lockoutRisks(protectionOf(data), single ? [single] : []));
    for (const target of catalog?.targets ?? []) {
      const pairs = target.accounts.map((account) => ({
        accountId: account.id,
        permissionSetArn: target.permissionSetArn,
      }));
      problems.push(
        ...lockoutRisks(protectionOf(data), pairs, `targets.${target.key}.permissionSet in ${data.CATALOG_FILE}`),
      );
    }
  }
  if (slack) {
    if (!value('SLACK_BOT_TOKEN'))
      problems.push('SLACK_BOT_TOKEN is required: the bot token (xoxb-…) of the Keycard app');
    if (!value('SLACK_SIGNING_SECRET') && !value('SLACK_APP_TOKEN')) {
      problems.push('SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode, xapp-…) is required');
    }
    if (!value('APPROVER_CHANNEL')) {
      problems.push('APPROVER_CHANNEL is required: where requests are approved (example: C0123456789)');
    }
    // A catalog names each target's approvers; APPROVERS decides only for the one implicit target.
    if (!value('APPROVERS') && !catalogFile) {
      problems.push('APPROVERS is required without CATALOG_FILE: who may approve (example: U0123ABCD,S0456EFGH)');
    }
  }
  // A deploy that lost its Slack settings still refuses to start; the hint is for a newcomer with none yet.
  const noSlackAtAll =
    slack && !value('SLACK_BOT_TOKEN') && !value('SLACK_SIGNING_SECRET') && !value('SLACK_APP_TOKEN');
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, noSlackAtAll ? DEMO_HINT : undefined);
  return catalog ? { ...result.data, catalog } : result.data;
}

/**
 * Without a catalog, TARGET_ACCOUNT_ID and PERMISSION_SET_ARN are the one target and both are required; with one,
 * they may be left out, and one without the other is a mistake.
 */
function singleTargetProblems(value: (name: string) => string | undefined, withCatalog: boolean): string[] {
  const account = value('TARGET_ACCOUNT_ID');
  const permissionSet = value('PERMISSION_SET_ARN');
  if (withCatalog) {
    if (Boolean(account) === Boolean(permissionSet)) return [];
    return [
      'TARGET_ACCOUNT_ID and PERMISSION_SET_ARN must be set together (one more target beside the catalog), or both left out with CATALOG_FILE',
    ];
  }
  const problems: string[] = [];
  if (!account) {
    problems.push(
      'TARGET_ACCOUNT_ID is required without CATALOG_FILE: the AWS account access is granted to (example: 123456789012)',
    );
  }
  if (!permissionSet) {
    problems.push(
      'PERMISSION_SET_ARN is required without CATALOG_FILE (example: arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef)',
    );
  }
  return problems;
}

function durationOrUndefined(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

function catalogFileReading(path: string, limits: CatalogLimits): { catalog?: Catalog; problems: string[] } {
  try {
    return readCatalogFile(path, limits);
  } catch (error) {
    return {
      problems: [
        `CATALOG_FILE cannot be read: ${(error as Error).message} (example: /etc/keycard/catalog.yaml; \`keycard catalog check FILE\` checks one)`,
      ],
    };
  }
}

/**
 * KEYCARD_SIGNING_KEY, for the parts that sign or check front-door proofs (the worker, the Slack app, `keycard
 * extend`); a ConfigError naming it when it is not set.
 */
export function signingKeyOf(config: Pick<Config, 'KEYCARD_SIGNING_KEY'>): string {
  if (!config.KEYCARD_SIGNING_KEY) {
    throw new ConfigError([
      'KEYCARD_SIGNING_KEY is required: the key the Slack app and the keycard CLI sign requests and decisions with, ' +
        'and the worker checks them with (example: `openssl rand -base64 32`; the same value for all three)',
    ]);
  }
  return config.KEYCARD_SIGNING_KEY;
}

/** TARGET_ACCOUNT_ID and PERMISSION_SET_ARN as a target: always set without a catalog, perhaps not with one. */
export function singleTargetOf(config: Pick<Config, 'TARGET_ACCOUNT_ID' | 'PERMISSION_SET_ARN'>): Target | undefined {
  if (!config.TARGET_ACCOUNT_ID || !config.PERMISSION_SET_ARN) return undefined;
  return { accountId: config.TARGET_ACCOUNT_ID, permissionSetArn: config.PERMISSION_SET_ARN };
}

/**
 * Every (account, permission set) Keycard grants, revokes and reconciles, each once, so the start-up lock-out rule,
 * the reconciler and the revoke probe see them all: the one of TARGET_ACCOUNT_ID and PERMISSION_SET_ARN when they
 * are set, then the catalog's.
 */
export function managedTargets(config: Pick<Config, 'TARGET_ACCOUNT_ID' | 'PERMISSION_SET_ARN' | 'catalog'>): Target[] {
  const single = singleTargetOf(config);
  const pairs = [...(single ? [single] : []), ...(config.catalog ? catalogTargets(config.catalog) : [])];
  return pairs.filter(
    (target, index) =>
      pairs.findIndex(
        (other) => other.accountId === target.accountId && other.permissionSetArn === target.permissionSetArn,
      ) === index,
  );
}

/**
 * Where a request that names no catalog target is granted: TARGET_ACCOUNT_ID and PERMISSION_SET_ARN when set, else
 * the first account of the catalog's first target. loadConfig guarantees one of them.
 */
export function defaultTargetOf(config: Pick<Config, 'TARGET_ACCOUNT_ID' | 'PERMISSION_SET_ARN' | 'catalog'>): Target {
  const single = singleTargetOf(config);
  if (single) return single;
  const first = config.catalog?.targets[0];
  if (!first) throw new ConfigError(['TARGET_ACCOUNT_ID and PERMISSION_SET_ARN are required without CATALOG_FILE']);
  return { accountId: first.accounts[0].id, permissionSetArn: first.permissionSetArn };
}

/**
 * The targets people may ask for: CATALOG_FILE's when it is set, else the one implicit target of the single-target
 * settings (TARGET_ACCOUNT_ID, PERMISSION_SET_ARN, APPROVERS, APPROVER_CHANNEL, GRANT_TTL, MAX_GRANT_DURATION).
 */
export function catalogOf(
  config: Pick<
    Config,
    | 'catalog'
    | 'TARGET_ACCOUNT_ID'
    | 'PERMISSION_SET_ARN'
    | 'APPROVERS'
    | 'APPROVER_CHANNEL'
    | 'GRANT_TTL'
    | 'MAX_GRANT_DURATION'
  >,
): Catalog {
  if (config.catalog) return config.catalog;
  const single = singleTargetOf(config);
  if (!single) throw new ConfigError(['TARGET_ACCOUNT_ID and PERMISSION_SET_ARN are required without CATALOG_FILE']);
  return implicitCatalog({
    accountId: single.accountId,
    permissionSetArn: single.permissionSetArn,
    approvers: config.APPROVERS,
    channel: config.APPROVER_CHANNEL,
    defaultMs: config.GRANT_TTL,
    maxMs: config.MAX_GRANT_DURATION,
  });
}

/** The assignments no sweep or bulk revoke may remove (PROTECTED_PRINCIPALS, KEYCARD_PERMISSION_SET_ARN). */
export function protectionOf(config: Pick<Config, 'PROTECTED_PRINCIPALS' | 'KEYCARD_PERMISSION_SET_ARN'>): Protection {
  return protectionFrom(config.PROTECTED_PRINCIPALS, config.KEYCARD_PERMISSION_SET_ARN);
}

/** Reads .env into process.env when the file exists; real environment variables win. */
export function loadDotEnv(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('dotenv').config({ quiet: true });
}

/** Checkpoints need both the key and the bucket: one without the other is a mistake, not a choice. */
function checkpointPairProblems(value: (name: string) => string | undefined): string[] {
  if (Boolean(value('AUDIT_CHECKPOINT_KEY_ID')) === Boolean(value('AUDIT_CHECKPOINT_BUCKET'))) return [];
  return [
    'AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET must be set together (the key signs checkpoints, the bucket keeps them)',
  ];
}

/**
 * For the commands that only read MongoDB (`keycard audit …`): MONGODB_URL validated as loadConfig validates it, and
 * nothing else, so an auditor needs no AWS, Slack or Temporal settings.
 */
export function loadMongoConfig(env: NodeJS.ProcessEnv = process.env): Pick<Config, 'MONGODB_URL'> {
  const result = schema.pick({ MONGODB_URL: true }).safeParse({ MONGODB_URL: env.MONGODB_URL || undefined });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  return result.data;
}

/**
 * For `keycard extend`: Temporal's settings and KEYCARD_SIGNING_KEY, validated as loadConfig validates them, and
 * nothing else, so an operator needs no MongoDB, AWS or Slack settings to extend a grant.
 */
export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env) {
  const operator = schema.pick({
    TEMPORAL_ADDRESS: true,
    TEMPORAL_NAMESPACE: true,
    TEMPORAL_API_KEY: true,
    TEMPORAL_TLS: true,
    TEMPORAL_TLS_CERT_PATH: true,
    TEMPORAL_TLS_KEY_PATH: true,
    TEMPORAL_TLS_CA_PATH: true,
    TEMPORAL_TLS_SERVER_NAME: true,
    KEYCARD_SIGNING_KEY: true,
  });
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = operator.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  signingKeyOf(result.data);
  return result.data;
}

export type AuditConfig = Pick<
  Config,
  'MONGODB_URL' | 'AWS_ENDPOINT_URL' | 'AUDIT_CHECKPOINT_KEY_ID' | 'AUDIT_CHECKPOINT_BUCKET'
> & { AWS_REGION?: string };

/**
 * For `keycard audit verify`: MONGODB_URL, and the checkpoints' key and bucket when they are set (with AWS_REGION
 * then). An auditor still needs no Slack, Temporal or Identity Center settings.
 */
export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema
    .pick({ MONGODB_URL: true, AWS_ENDPOINT_URL: true, AUDIT_CHECKPOINT_KEY_ID: true, AUDIT_CHECKPOINT_BUCKET: true })
    .extend({ AWS_REGION: schema.shape.AWS_REGION.optional() })
    .safeParse(present);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  problems.push(...checkpointPairProblems((name) => present[name]));
  if (present.AUDIT_CHECKPOINT_BUCKET && !present.AWS_REGION) {
    problems.push('AWS_REGION is required with AUDIT_CHECKPOINT_BUCKET: the region of the bucket and the key');
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}
