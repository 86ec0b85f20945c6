/**
 * How a grant's target reads in Keycard's messages. A catalog target is its name, its key and each of its accounts
 * as `name (id)`; a grant without one (operators', and every grant before the catalog) is `<permission set> @
 * <account>` as it always was. Names come from the catalog file, not from requesters, and are still escaped.
 */
import type { Catalog } from '../domain/catalog';
import type { RequestedTarget, Target } from '../domain/grant';
import { escapeLine, escapeText } from './text';

/** What a message needs of a catalog target: the grant's own copy (RequestedTarget) or the catalog's entry. */
export type ShownTarget = Pick<RequestedTarget, 'key' | 'name' | 'permissionSetArn' | 'accounts'>;

/**
 * A target with many accounts lists this many and counts the rest, so a line stays within Block Kit's limits
 * (3000 characters a section, 2000 a field): names are at most 75 characters, ids 12.
 */
export const MAX_ACCOUNTS_SHOWN = 10;

/** The last part of a permission set ARN (`ps-…`), as people have always seen it. */
export function permissionSetName(permissionSetArn: string): string {
  return permissionSetArn.split('/').pop() || permissionSetArn;
}

/** `payments-prod (111122223333)`, or the id alone when the account has no other name. */
export function accountText(account: { id: string; name: string }): string {
  return account.name && account.name !== account.id
    ? `${escapeLine(account.name)} (${escapeText(account.id)})`
    : escapeText(account.id);
}

/** Every account, `separator` between them, at most MAX_ACCOUNTS_SHOWN and then how many more. */
export function accountsText(accounts: readonly { id: string; name: string }[], separator = ', '): string {
  const shown = accounts.slice(0, MAX_ACCOUNTS_SHOWN).map(accountText);
  if (accounts.length > MAX_ACCOUNTS_SHOWN) shown.push(`and ${accounts.length - MAX_ACCOUNTS_SHOWN} more`);
  return shown.join(separator);
}

/** `Production admin (prod-admin)`. */
export function targetNameText(target: Pick<ShownTarget, 'key' | 'name'>): string {
  return target.name && target.name !== target.key
    ? `${escapeLine(target.name)} (${escapeText(target.key)})`
    : escapeText(target.key);
}

/** `Production admin (prod-admin) in payments-prod (111122223333), checkout-prod (444455556666)`. */
export function catalogTargetText(target: ShownTarget): string {
  return `${targetNameText(target)} in ${accountsText(target.accounts)}`;
}

/** `ps-admin @ 123456789012`: one permission set in one account, as grants without a catalog target read. */
export function singleTargetText(target: Target): string {
  return `${escapeText(permissionSetName(target.permissionSetArn))} @ ${escapeText(target.accountId)}`;
}

/**
 * The catalog's entry for a ProdAccessTarget value, for views built from search attributes alone (the App Home, a
 * listing whose status query did not answer): undefined for `<account>/<permission set>` keys and unknown keys.
 */
export function shownTargetOf(catalog: Catalog | undefined, key: string | undefined): ShownTarget | undefined {
  const entry = key ? catalog?.targets.find((target) => target.key === key) : undefined;
  if (!entry) return undefined;
  return { key: entry.key, name: entry.name, permissionSetArn: entry.permissionSetArn, accounts: entry.accounts };
}
