/** The fake Slack Web API lives with the demo, which plays Slack with it; the tests use the same one. */
export * from '../../src/demo/slack/fakeSlackApi';
