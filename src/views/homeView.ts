/**
 * The App Home: how to ask, and the person's live grants with a way to end each.
 */
import type { KnownBlock } from '@slack/web-api';
import { formatUtc } from '../domain/time';
import { button, section } from './blocks';
import { ACTIONS } from './ids';
import { accountsText, permissionSetName, targetNameText, type ShownTarget } from './target';
import { channelLink, escapeText } from './text';

/** A live grant as Temporal's visibility shows it (search attributes only: the App Home must open fast). */
export interface HomeGrant {
  workflowId: string;
  expiresAt?: Date;
  /** ProdAccessTarget: the catalog target's key, or `<account>/<permission set ARN>` for grants without one. */
  target?: string;
  /** The catalog's entry for that key (shownTargetOf), when it has one: shown by name, with its accounts. */
  catalogTarget?: ShownTarget;
}

/** A live grant's target on the App Home: the catalog target's name and accounts, or the permission set's name. */
function homeTargetText(grant: HomeGrant): string {
  if (grant.catalogTarget) {
    return `${targetNameText(grant.catalogTarget)} in ${accountsText(grant.catalogTarget.accounts)}`;
  }
  return escapeText(permissionSetName(grant.target ?? ''));
}

/**
 * `catalog`: Keycard runs with CATALOG_FILE, so people name a target (or open the form) and each target's approvers
 * decide; without one, the one implicit target is asked for by reason alone, as always.
 */
export function homeView(
  liveGrants: HomeGrant[],
  approverChannel: string,
  { catalog = false }: { catalog?: boolean } = {},
): { type: 'home'; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    section(
      '*Keycard* hands out production access for a few hours and takes it back on time.\n' +
        (catalog
          ? 'Ask with `/prod-access <target> [duration] <reason>`, or `/prod-access` alone for a form; ' +
            "`/prod-access help` lists the targets you may ask for. Each target's approvers decide, by default in " +
            `${channelLink(approverChannel)}.`
          : 'Ask with `/prod-access <reason>` or `/prod-access 2h <reason>`; an approver decides in ' +
            `${channelLink(approverChannel)}.`),
    ),
  ];
  if (liveGrants.length === 0) {
    blocks.push(section('You hold no production access right now.'));
  }
  for (const grant of liveGrants) {
    const target = homeTargetText(grant);
    const until = grant.expiresAt ? ` until ${formatUtc(grant.expiresAt)}` : '';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `Active: ${target}${until}`, verbatim: true },
      accessory: button(ACTIONS.revoke, 'Revoke now', grant.workflowId, 'danger'),
    });
  }
  return { type: 'home', blocks };
}
