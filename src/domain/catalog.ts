/**
 * The target catalog: what Keycard grants (one permission set in one or more accounts), for how long, who may ask
 * for it and who decides. CATALOG_FILE lists the targets; without one, the single-target settings make one implicit
 * target. Pure: src/catalogFile.ts reads the file's YAML and shape; the rules across fields live here, so the
 * start-up check and `keycard catalog check` apply the same ones.
 */
import { formatDuration } from './duration';
import type { Target } from './grant';

/** A target's key, used in commands (`/prod-access prod-admin …`) and search attributes: short, lowercase, no spaces. */
export const TARGET_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/**
 * A permission set Keycard grants, as PERMISSION_SET_ARN and a catalog's `permissionSet` accept it: AWS writes
 * `arn:aws:sso:::permissionSet/ssoins-…/ps-…`; moto, which the tests and the demo use, `…:::instance/ssoins-…/ps-…`.
 */
export const GRANTED_PERMISSION_SET_PATTERN = /^arn:aws[a-z-]*:sso:::\S+\/ps-[\w-]+$/;
/** Who may ask or decide: Slack users (U…, W… in Enterprise Grid) and Slack user groups (S…). */
export const SLACK_PRINCIPAL_PATTERN = /^[UWS][A-Z0-9]{2,}$/;
export const SLACK_GROUP_PATTERN = /^S[A-Z0-9]{2,}$/;
export const SLACK_CHANNEL_PATTERN = /^[CG][A-Z0-9]{2,}$/;

/** The key of the one target the single-target settings (TARGET_ACCOUNT_ID, PERMISSION_SET_ARN) make. */
export const IMPLICIT_TARGET_KEY = 'default';

export interface CatalogAccount {
  id: string;
  /** Shown to people beside the id. */
  name: string;
}

export interface DurationRule {
  defaultMs: number;
  maxMs: number;
  /**
   * The durations the request modal offers. Suggestions, not an allow-list: a duration typed in the slash command is
   * accepted up to maxMs. Empty when the file lists none.
   */
  choicesMs: number[];
}

export interface CatalogTarget {
  key: string;
  name: string;
  /** One grant assigns the permission set in each, and revokes each. */
  accounts: CatalogAccount[];
  permissionSetArn: string;
  duration: DurationRule;
  /** Slack users and user groups who may ask; undefined: everyone. */
  requesters?: string[];
  /** Slack users and user groups who decide. */
  approvers: string[];
  /** Where the approvers are asked; undefined: APPROVER_CHANNEL. */
  channel?: string;
}

export interface Catalog {
  /** In the file's order: the first is the one requests use until the Slack side chooses among them. */
  targets: CatalogTarget[];
}

/** A mistake in a catalog, at a path such as ['targets', 'prod-admin', 'duration', 'default']. */
export interface CatalogProblem {
  path: (string | number)[];
  message: string;
}

/** The slash command's own first words: a target of one of these names could never be asked for by its key. */
export const RESERVED_TARGET_KEYS = ['help', 'cancel', 'who', 'history', 'break-glass', 'revoke-all'] as const;

/** Why a target key cannot be one, or undefined when it is fine. */
export function targetKeyProblem(key: string): string | undefined {
  if ((RESERVED_TARGET_KEYS as readonly string[]).includes(key))
    return `is a word of the /prod-access command (${RESERVED_TARGET_KEYS.join(', ')}), so it cannot name a target: choose another key (example: prod-admin)`;
  if (TARGET_KEY_PATTERN.test(key)) return undefined;
  return 'is not a target key: use lowercase letters, digits and dashes, at most 63, starting with a letter or digit (example: prod-admin)';
}

/** The rules across a target's fields, once each field has its shape: durations within the max, accounts once each. */
export function targetProblems(target: CatalogTarget): CatalogProblem[] {
  const at = (...path: (string | number)[]) => ['targets', target.key, ...path];
  const problems: CatalogProblem[] = [];
  const { defaultMs, maxMs, choicesMs } = target.duration;
  if (defaultMs > maxMs) {
    problems.push({
      path: at('duration', 'default'),
      message: `${formatDuration(defaultMs)} is longer than its max ${formatDuration(maxMs)}`,
    });
  }
  choicesMs.forEach((choice, index) => {
    if (choice > maxMs) {
      problems.push({
        path: at('duration', 'choices', index),
        message: `${formatDuration(choice)} is longer than its max ${formatDuration(maxMs)}`,
      });
    }
  });
  const seen = new Set<string>();
  target.accounts.forEach((account, index) => {
    if (seen.has(account.id)) {
      problems.push({ path: at('accounts', index, 'id'), message: `${account.id} is listed twice in this target` });
    }
    seen.add(account.id);
  });
  return problems;
}

/** Every (account, permission set) the catalog grants, each once: what the reconciler and the revoke probe watch. */
export function catalogTargets(catalog: Catalog): Target[] {
  const pairs = new Map<string, Target>();
  for (const target of catalog.targets) {
    for (const account of target.accounts) {
      pairs.set(`${account.id}/${target.permissionSetArn}`, {
        accountId: account.id,
        permissionSetArn: target.permissionSetArn,
      });
    }
  }
  return [...pairs.values()];
}

export interface SingleTargetSettings {
  accountId: string;
  permissionSetArn: string;
  approvers?: readonly string[];
  channel?: string;
  defaultMs: number;
  maxMs: number;
}

/**
 * The one target of the single-target settings (TARGET_ACCOUNT_ID, PERMISSION_SET_ARN, APPROVERS, APPROVER_CHANNEL,
 * GRANT_TTL, MAX_GRANT_DURATION): everyone may ask, the approvers decide, in the approvers' channel.
 */
export function implicitCatalog(settings: SingleTargetSettings): Catalog {
  return {
    targets: [
      {
        key: IMPLICIT_TARGET_KEY,
        name: 'Production access',
        accounts: [{ id: settings.accountId, name: settings.accountId }],
        permissionSetArn: settings.permissionSetArn,
        duration: { defaultMs: settings.defaultMs, maxMs: settings.maxMs, choicesMs: [] },
        approvers: [...(settings.approvers ?? [])],
        ...(settings.channel ? { channel: settings.channel } : {}),
      },
    ],
  };
}

/** What the request modal offers: the target's choices, or its default and its max when it lists none. */
export function durationOptions(target: CatalogTarget): number[] {
  const { defaultMs, maxMs, choicesMs } = target.duration;
  const options = choicesMs.length > 0 ? [...choicesMs, defaultMs] : [defaultMs, maxMs];
  return [...new Set(options.filter((ms) => ms <= maxMs))].sort((a, b) => a - b);
}
