/**
 * Who is asking or deciding, from Slack's Web API: a person of Keycard's own workspace (never a guest, a bot, an app,
 * a workflow, a deleted account, or someone of another team or organisation), their email (Identity Center knows
 * people by it) and whether they approve.
 */
import type { SlackClient } from './listeners/types';
import type { SlackWorkspace } from './workspace';

export type EmailResult = { ok: true; email: string } | { ok: false; message: string };

/** The fields of users.info Keycard decides on. */
export interface SlackPerson {
  id?: string;
  team_id?: string;
  enterprise_id?: string;
  enterprise_user?: { enterprise_id?: string };
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_workflow_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_email_confirmed?: boolean;
  profile?: { email?: string };
}

/** Asking for access, or deciding (approve, deny, revoke, extend) someone's. */
export type PersonRole = 'requester' | 'decider';

/** Slackbot answers users.info with is_bot false; it is no person either. */
const SLACKBOT = 'USLACKBOT';

/**
 * Why this Slack user may not act in `role`, in words they can act on, or undefined when they may. One check for
 * requesters and deciders: the requester must also have a confirmed email, since it binds them to Identity Center.
 */
export function personProblem(
  user: SlackPerson | undefined,
  workspace: SlackWorkspace,
  role: PersonRole,
): string | undefined {
  const nothing = role === 'requester' ? 'Nothing was requested.' : 'Nothing was changed.';
  if (!user || user.deleted) return `Keycard acts for active people only. ${nothing}`;
  if (user.is_bot || user.is_app_user || user.is_workflow_bot || user.id === SLACKBOT) {
    return `Keycard acts for active people only: bots, apps and workflows cannot ${role === 'requester' ? 'ask for' : 'decide on'} access. ${nothing}`;
  }
  if (user.is_restricted || user.is_ultra_restricted) {
    return `Guests of this workspace cannot ${role === 'requester' ? 'ask for' : 'decide on'} production access. ${nothing}`;
  }
  if (user.team_id !== workspace.teamId) {
    return `Keycard serves the members of its own workspace only, and your account belongs to another team. ${nothing}`;
  }
  const enterpriseId = user.enterprise_user?.enterprise_id ?? user.enterprise_id;
  if (enterpriseId !== workspace.enterpriseId) {
    return `Keycard serves the members of its own organisation only, and your account belongs to another one. ${nothing}`;
  }
  if (role === 'requester') {
    if (!user.profile?.email) {
      return `Keycard cannot read your email from Slack (the app needs users:read.email). ${nothing}`;
    }
    if (user.is_email_confirmed !== true) {
      return `Your Slack email is not confirmed, so Keycard cannot tie it to an Identity Center user. Confirm it in Slack, then ask again. ${nothing}`;
    }
  }
  return undefined;
}

/** The person behind a Slack user id as users.info tells it, or why there is none. */
async function slackPerson(
  client: SlackClient,
  userId: string,
): Promise<{ ok: true; user: SlackPerson | undefined } | { ok: false; message: string }> {
  try {
    const { user } = await client.users.info({ user: userId });
    return { ok: true, user: user as SlackPerson | undefined };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found') return { ok: false, message: 'Slack does not know your user.' };
    throw error;
  }
}

/** The requester's email, once they are a person of this workspace who may ask. */
export async function requesterEmail(
  client: SlackClient,
  userId: string,
  workspace: SlackWorkspace,
): Promise<EmailResult> {
  const found = await slackPerson(client, userId);
  if (!found.ok) return { ok: false, message: `${found.message} Nothing was requested.` };
  const problem = personProblem(found.user, workspace, 'requester');
  if (problem) return { ok: false, message: problem };
  return { ok: true, email: found.user?.profile?.email as string };
}

/** Why this clicker may not decide anything, or undefined when they are a person of this workspace. */
export async function deciderProblem(
  client: SlackClient,
  userId: string,
  workspace: SlackWorkspace,
): Promise<string | undefined> {
  const found = await slackPerson(client, userId);
  if (!found.ok) return `${found.message} Nothing was changed.`;
  return personProblem(found.user, workspace, 'decider');
}

/**
 * APPROVERS as they bear on one person, with user groups expanded now (membership changes between requests): the
 * listed user ids, plus this person when a listed group holds them. The policy decides from that.
 */
export async function approversFor(client: SlackClient, approvers: string[], userId: string): Promise<string[]> {
  const users = approvers.filter((id) => !id.startsWith('S'));
  if (users.includes(userId)) return users;
  for (const group of approvers.filter((id) => id.startsWith('S'))) {
    const { users: members } = await client.usergroups.users.list({ usergroup: group });
    if (members?.includes(userId)) return [...users, userId];
  }
  return users;
}
