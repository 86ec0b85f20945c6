/**
 * Who is asking, from Slack's Web API: their email (Identity Center knows people by it) and whether they approve.
 */
import type { SlackClient } from './listeners/types';

export type EmailResult = { ok: true; email: string } | { ok: false; message: string };

export async function requesterEmail(client: SlackClient, userId: string): Promise<EmailResult> {
  try {
    const { user } = await client.users.info({ user: userId });
    if (!user || user.deleted || user.is_bot) {
      return { ok: false, message: 'Keycard grants access to active people only.' };
    }
    const email = user.profile?.email;
    if (!email) {
      return {
        ok: false,
        message: 'Keycard cannot read your email from Slack (the app needs users:read.email). Nothing was requested.',
      };
    }
    return { ok: true, email };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found')
      return { ok: false, message: 'Slack does not know your user. Nothing was requested.' };
    throw error;
  }
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
