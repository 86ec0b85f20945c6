/**
 * Slack user groups' members (usergroups.users.list), read when a person asks and kept briefly: a burst of commands
 * and modal submissions asks Slack once per group, and a change of membership is seen within GROUP_MEMBERS_CACHE
 * (the worker keeps approver groups as long).
 * A group Slack cannot list is taken as empty, so the requester policy refuses rather than guesses (catalogPolicy).
 */
import type { GroupMembers } from '../domain/catalogPolicy';
import type { Logger } from '../logger';
import type { SlackClient } from './listeners/types';

/** GROUP_MEMBERS_CACHE's default: one person's command and their modal submission, yet a removal counts soon. */
export const GROUP_MEMBERS_TTL_MS = 30_000;

export class GroupMembersCache {
  private readonly known = new Map<string, { members: Promise<string[]>; until: number }>();

  /** `ttlMs` 0: Slack is asked every time. */
  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly ttlMs = GROUP_MEMBERS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The members of each group, from the cache when it is fresh, else from Slack (groups asked at once). */
  async membersOf(client: SlackClient, groups: readonly string[]): Promise<GroupMembers> {
    const entries = await Promise.all(groups.map(async (group) => [group, await this.group(client, group)] as const));
    return new Map(entries);
  }

  private group(client: SlackClient, group: string): Promise<string[]> {
    const now = this.now();
    const cached = this.known.get(group);
    if (cached && now < cached.until) return cached.members;
    const members = client.usergroups.users.list({ usergroup: group }).then(
      (answer) => answer.users ?? [],
      (error: unknown) => {
        // Not remembered: the next request asks again.
        this.known.delete(group);
        this.logger.warn({ err: error, group }, 'could not list a Slack user group; taken as empty');
        return [];
      },
    );
    this.known.set(group, { members, until: now + this.ttlMs });
    return members;
  }
}
