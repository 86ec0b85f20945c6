/**
 * The App Home tab: published fresh each time it opens, with the person's live grants.
 */
import { homeView } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { requesterEmail } from '../../people';
import type { SlackWorkspace } from '../../workspace';
import type { SlackClient } from '../types';

export interface HomeOpened {
  event: { tab?: string; user: string };
  client: SlackClient;
}

export interface HomeDependencies {
  approverChannel: string;
  /** CATALOG_FILE is set: the App Home explains the target word, help and the form. */
  catalog?: boolean;
  grants: GrantWorkflows;
  workspace: () => Promise<SlackWorkspace>;
}

export function appHomeOpened({ approverChannel, catalog = false, grants, workspace }: HomeDependencies) {
  return async ({ event, client }: HomeOpened): Promise<void> => {
    if (event.tab !== 'home') return;
    const email = await requesterEmail(client, event.user, await workspace());
    const live = email.ok ? await grants.liveGrantsOf(email.email) : [];
    await client.views.publish({ user_id: event.user, view: homeView(live, approverChannel, { catalog }) });
  };
}
