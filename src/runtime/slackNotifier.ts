/** The worker's Slack notifier and alerts, from SLACK_BOT_TOKEN, APPROVER_CHANNEL and GROUP_MEMBERS_CACHE. */
import { createSlackClient, SlackNotifier } from '../activities/slack';
import type { Config } from '../config';
import type { Logger } from '../logger';

export function slackNotifier(config: Config, logger: Logger): SlackNotifier | undefined {
  if (config.SLACK_BOT_TOKEN) {
    return new SlackNotifier(createSlackClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL), {
      groupMembersCacheMs: config.GROUP_MEMBERS_CACHE,
    });
  }
  logger.warn('SLACK_BOT_TOKEN is not set: this worker sends no Slack messages, and Slack requests fail');
  return undefined;
}

/** An operator must look: an error log line, and a post in the approvers' channel when Slack is configured. */
export function alerter(config: Config, logger: Logger, slack?: SlackNotifier): (message: string) => Promise<void> {
  return async (message) => {
    logger.error({ alert: true }, message);
    if (slack && config.APPROVER_CHANNEL) await slack.postAlert(config.APPROVER_CHANNEL, message);
  };
}
