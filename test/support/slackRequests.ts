/** Signed Slack requests are built where the demo builds them too (src/demo/slack), one implementation. */
export * from '../../src/demo/slack/signedRequests';
