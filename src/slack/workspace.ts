/**
 * Keycard's own Slack app and workspace. A request signed with Keycard's secret may still be for another app of the
 * same workspace or for another team (a signing secret is per app, but a leaked or shared one, or a proxy in front
 * of several apps, would carry them); every request, and every person acting, must be Keycard's own.
 *
 * The truth is the bot token's own identity (auth.test: its team, app and enterprise): a token cannot be
 * misconfigured to point at another workspace. SLACK_APP_ID and SLACK_TEAM_ID, when set, must agree with it, so a
 * deploy given another app's token refuses every request instead of serving it.
 */
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config';

export interface SlackWorkspace {
  /** Keycard's Slack app (A…): every request's api_app_id. */
  appId: string;
  /** The workspace Keycard is installed in (T…): every request's team, every person's team. */
  teamId: string;
  /** The Enterprise Grid organisation of that workspace, when it is in one. */
  enterpriseId?: string;
}

export type WorkspaceSettings = Pick<Config, 'SLACK_APP_ID' | 'SLACK_TEAM_ID'>;

/** Thrown when the bot token's identity is not the configured one, or lacks what Keycard must check. */
export class WorkspaceMismatchError extends Error {
  override name = 'WorkspaceMismatchError';
}

/**
 * Keycard's workspace, learned once from auth.test (a failed call is asked again on the next request: until it
 * answers, every request is refused).
 */
export function keycardWorkspace(
  client: Pick<WebClient, 'auth'>,
  settings: WorkspaceSettings,
): () => Promise<SlackWorkspace> {
  let learned: Promise<SlackWorkspace> | undefined;
  return () => {
    learned ??= learn(client, settings).catch((error: unknown) => {
      learned = undefined;
      throw error;
    });
    return learned;
  };
}

async function learn(client: Pick<WebClient, 'auth'>, settings: WorkspaceSettings): Promise<SlackWorkspace> {
  const identity = await client.auth.test();
  const appId = identity.app_id ?? settings.SLACK_APP_ID;
  const teamId = identity.team_id;
  if (!teamId) throw new WorkspaceMismatchError('auth.test named no team for SLACK_BOT_TOKEN');
  if (!appId) {
    throw new WorkspaceMismatchError('auth.test named no app for SLACK_BOT_TOKEN: set SLACK_APP_ID (A…)');
  }
  if (settings.SLACK_TEAM_ID && settings.SLACK_TEAM_ID !== teamId) {
    throw new WorkspaceMismatchError(
      `SLACK_TEAM_ID is ${settings.SLACK_TEAM_ID} but SLACK_BOT_TOKEN belongs to team ${teamId}`,
    );
  }
  if (settings.SLACK_APP_ID && settings.SLACK_APP_ID !== appId) {
    throw new WorkspaceMismatchError(
      `SLACK_APP_ID is ${settings.SLACK_APP_ID} but SLACK_BOT_TOKEN belongs to app ${appId}`,
    );
  }
  return { appId, teamId, ...(identity.enterprise_id ? { enterpriseId: identity.enterprise_id } : {}) };
}

/** The app, team and enterprise an incoming request says it is for (commands, interactions, events). */
export function requestOrigin(body: Record<string, unknown>): {
  appId?: string;
  teamId?: string;
  enterpriseId?: string;
} {
  const team = body.team as { id?: string } | null | undefined;
  const user = body.user as { team_id?: string } | undefined;
  const enterprise = body.enterprise as { id?: string } | null | undefined;
  return {
    appId: stringOr(body.api_app_id),
    teamId: stringOr(body.team_id) ?? stringOr(team?.id) ?? stringOr(user?.team_id),
    enterpriseId: stringOr(body.enterprise_id) ?? stringOr(enterprise?.id),
  };
}

/** Why a request is not Keycard's own, or undefined when it is. */
export function foreignRequest(
  origin: ReturnType<typeof requestOrigin>,
  workspace: SlackWorkspace,
): string | undefined {
  if (origin.appId !== workspace.appId) return `it is for the Slack app ${origin.appId ?? '(none)'}`;
  if (origin.teamId !== workspace.teamId) return `it is from the team ${origin.teamId ?? '(none)'}`;
  if (origin.enterpriseId && origin.enterpriseId !== workspace.enterpriseId) {
    return `it is from the organisation ${origin.enterpriseId}`;
  }
  return undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
