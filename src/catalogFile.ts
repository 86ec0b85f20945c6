/**
 * CATALOG_FILE: YAML text to a validated target catalog, or every problem at once, each naming the file, the line
 * and the key (`catalog.yaml:12 targets.prod-admin.duration.default: 9h is longer than its max 8h`). Start-up
 * (src/config.ts) and `keycard catalog check` both read catalogs here, so they give the same answers.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import {
  ACCOUNT_ID_PATTERN,
  GRANTED_PERMISSION_SET_PATTERN,
  SLACK_CHANNEL_PATTERN,
  SLACK_PRINCIPAL_PATTERN,
  targetKeyProblem,
  targetProblems,
  type Catalog,
  type CatalogProblem,
  type CatalogTarget,
} from './domain/catalog';
import { formatDuration, parseRequestedDuration } from './domain/duration';

/** A message for a missing value, and another for a value of the wrong type. */
const said = (missing: string, wrongType: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? missing : wrongType),
});

const duration = z
  .string(said('is required (example: 4h)', 'must be a duration (example: 4h)'))
  .transform((text, context) => {
    try {
      return parseRequestedDuration(text);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** Slack's limit on an option's text in a menu, where the request modal shows names. */
const NAME_LIMIT = 75;
const NAME_TOO_LONG = `is longer than ${NAME_LIMIT} characters, the most a Slack menu shows`;

const SLACK_PRINCIPAL_EXAMPLE = 'Slack user ids (U…, W…) or user group ids (S…)';
const slackPrincipal = z
  .string(said('is empty', `must be one of ${SLACK_PRINCIPAL_EXAMPLE} (example: S0123ABCD)`))
  .regex(SLACK_PRINCIPAL_PATTERN, `must be one of ${SLACK_PRINCIPAL_EXAMPLE}, not a name (example: S0123ABCD)`);

const account = z.strictObject(
  {
    id: z
      .string(
        said(
          'is required: the 12-digit AWS account id (example: "111122223333")',
          'must be a 12-digit AWS account id in quotes (example: "111122223333")',
        ),
      )
      .regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id (example: "111122223333")'),
    name: z
      .string(said('is required: the name people see (example: payments-prod)', 'must be text'))
      .min(1, 'is empty')
      .max(NAME_LIMIT, NAME_TOO_LONG),
  },
  said('is empty', `must be an account (example: { id: "111122223333", name: payments-prod })`),
);

const target = z.strictObject(
  {
    name: z
      .string(said('is required: the name people see (example: Production admin)', 'must be text'))
      .min(1, 'is empty')
      .max(NAME_LIMIT, NAME_TOO_LONG),
    accounts: z
      .array(account, said('is required: the accounts one grant assigns in', 'must be a list of accounts'))
      .min(1, 'must list at least one account'),
    permissionSet: z
      .string(
        said(
          'is required: the permission set granted (example: arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
          'must be a permission set ARN (example: arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
        ),
      )
      .regex(
        GRANTED_PERMISSION_SET_PATTERN,
        'must be a permission set ARN (example: arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
      ),
    duration: z.strictObject(
      {
        default: duration,
        max: duration,
        choices: z
          .array(duration, said('is empty', 'must be a list of durations (example: [1h, 2h, 4h])'))
          .min(1, 'must list at least one duration, or be left out')
          .optional(),
      },
      said('is required (example: { default: 4h, max: 8h })', 'must be a map (example: { default: 4h, max: 8h })'),
    ),
    requesters: z
      .array(slackPrincipal, said('is empty: list who may ask, or leave it out to let everyone ask', 'must be a list'))
      .min(1, 'must list at least one user or group, or be left out to let everyone ask')
      .optional(),
    approvers: z
      .array(slackPrincipal, said(`is required: the ${SLACK_PRINCIPAL_EXAMPLE} who decide`, 'must be a list'))
      .min(1, `must list at least one approver: ${SLACK_PRINCIPAL_EXAMPLE}`),
    channel: z
      .string(said('is empty: give a channel id, or leave it out to use APPROVER_CHANNEL', 'must be a channel id'))
      .regex(SLACK_CHANNEL_PATTERN, 'must be a channel id, not a name (example: C0123456789)')
      .optional(),
  },
  said(
    'is empty: a target needs a name, accounts, a permission set, a duration and approvers',
    'must be a map: a target’s name, accounts, permission set, duration and approvers',
  ),
);

const root = z.strictObject(
  {
    targets: z.record(
      z.string(),
      z.unknown(),
      said('is required: the targets, keyed by target key', 'must be a map of targets keyed by target key'),
    ),
  },
  said('is empty: list the targets under `targets:`', 'must be a map with `targets:`'),
);

/** Keycard's own settings a catalog must fit in. */
export interface CatalogLimits {
  /**
   * MAX_TOTAL_GRANT_DURATION: no grant lasts longer, extensions included, so a target's max above it would promise
   * what Keycard then refuses. Undefined: not checked (the setting itself is wrong, and named).
   */
  maxTotalMs?: number;
}

/** A target's max longer than MAX_TOTAL_GRANT_DURATION, at its `duration.max`. */
export function limitProblems(target: CatalogTarget, limits: CatalogLimits): CatalogProblem[] {
  const { maxTotalMs } = limits;
  if (maxTotalMs === undefined || target.duration.maxMs <= maxTotalMs) return [];
  return [
    {
      path: ['targets', target.key, 'duration', 'max'],
      message: `${formatDuration(target.duration.maxMs)} is longer than MAX_TOTAL_GRANT_DURATION ${formatDuration(maxTotalMs)}, the longest any grant may last with its extensions: lower the max, or raise MAX_TOTAL_GRANT_DURATION`,
    },
  ];
}

export interface CatalogReading {
  /** Set only when there is no problem. */
  catalog?: Catalog;
  /** `file:line key: what is wrong`, in the order of the file. */
  problems: string[];
}

/** Parses and validates catalog YAML; `file` is how the problems name it. */
export function parseCatalog(text: string, file: string, limits: CatalogLimits = {}): CatalogReading {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map(
        (error) =>
          `${file}:${error.linePos?.[0].line ?? 1} is not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      ),
    };
  }
  const found: CatalogProblem[] = [];
  const shaped = root.safeParse(document.toJS());
  if (!shaped.success) {
    found.push(...issuesAsProblems(shaped.error.issues, []));
  } else {
    const entries = Object.entries(shaped.data.targets);
    if (entries.length === 0) {
      found.push({ path: ['targets'], message: 'is empty: a catalog needs at least one target' });
    }
    const targets: CatalogTarget[] = [];
    for (const [key, value] of entries) {
      const keyProblem = targetKeyProblem(key);
      if (keyProblem) found.push({ path: ['targets', key], message: keyProblem });
      const parsed = target.safeParse(value);
      if (!parsed.success) {
        found.push(...issuesAsProblems(parsed.error.issues, ['targets', key]));
        continue;
      }
      const { permissionSet, duration: rule, ...rest } = parsed.data;
      const catalogTarget: CatalogTarget = {
        key,
        ...rest,
        permissionSetArn: permissionSet,
        duration: { defaultMs: rule.default, maxMs: rule.max, choicesMs: rule.choices ?? [] },
      };
      found.push(...targetProblems(catalogTarget), ...limitProblems(catalogTarget, limits));
      targets.push(catalogTarget);
    }
    if (found.length === 0) return { catalog: { targets }, problems: [] };
  }
  const located = found.map((problem) => ({ ...problem, line: lineOf(document, lines, problem.path) }));
  located.sort((a, b) => a.line - b.line);
  return {
    problems: located.map(({ path, line, message }) => `${file}:${line} ${path.join('.') || '(top)'}: ${message}`),
  };
}

/** Reads and validates a catalog file; throws (the file's error) when it cannot be read. */
export function readCatalogFile(path: string, limits: CatalogLimits = {}): CatalogReading {
  return parseCatalog(readFileSync(path, 'utf8'), path, limits);
}

function issuesAsProblems(issues: z.core.$ZodIssue[], prefix: (string | number)[]): CatalogProblem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: 'is not a key Keycard knows: check its spelling (docs/catalog.example.yaml lists them all)',
      }));
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * The line of the deepest node on `path` that the file has: the key's own line when it is there, its parent's when
 * it is missing.
 */
function lineOf(document: Document, lines: LineCounter, path: (string | number)[]): number {
  let node: unknown = document.contents;
  let offset = (document.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      offset = (node as { range?: [number] }).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return lines.linePos(offset).line;
}
