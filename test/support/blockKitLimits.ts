/** Block Kit's limits live beside the fake Slack that enforces them (src/demo/slack). */
export * from '../../src/demo/slack/blockKitLimits';
