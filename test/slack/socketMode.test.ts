/** The same flow in Socket Mode: envelopes over a WebSocket from apps.connections.open instead of signed HTTP. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ACTIONS } from '../../src/views';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually, isAssignedInMoto } from '../support/keycard';
import { blockActionPayload } from '../support/slackRequests';
import { APPROVER, APPROVER_CHANNEL, newRequester, startSlackStand, type SlackStand } from '../support/slackStand';
import { stand } from '../support/stand';

describe('the Slack front door in Socket Mode', function () {
  let s: SlackStand;

  before(async () => {
    s = await startSlackStand(stand().devServer.env, {}, { socketMode: true });
  });
  after(async () => {
    await s?.stop();
  });

  it('slash command → Approve → assignment → Revoke now → gone, all over the socket', async () => {
    const socket = s.socket;
    assert.ok(socket);
    await socket.connected();
    assert.equal(s.slack.callsOf('apps.connections.open').length >= 1, true);
    assert.equal(s.slack.callsOf('apps.connections.open')[0].token, 'xapp-test-app-token-not-a-secret');

    const requester = await newRequester(s.slack);
    const triggerId = randomUUID();
    const ack = await socket.deliver('slash_commands', {
      team_id: 'T0TEST',
      channel_id: 'C0GENERAL',
      user_id: requester.slackUserId,
      command: '/prod-access',
      text: '1h investigate the failed deploy',
      response_url: s.slack.responseUrl(triggerId),
      trigger_id: triggerId,
      api_app_id: 'A0KEYCARD',
    });
    assert.equal(ack.response_type, 'ephemeral');

    const approval = (await eventually(
      async () =>
        s.slack.messagesIn(APPROVER_CHANNEL).find((m) => visibleText(m).includes(`<@${requester.slackUserId}>`)),
      (found) => found !== undefined,
    )) as StoredMessage;
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    await socket.deliver(
      'interactive',
      blockActionPayload({
        user: APPROVER,
        actionId: ACTIONS.approve,
        value: workflowId,
        responseUrl: s.slack.responseUrl('a'),
      }),
    );
    await eventually(
      () => isAssignedInMoto(requester.principalId),
      (assigned) => assigned,
    );
    // The requester clicks what they see: the *Revoke now* button in the DM that says they have access.
    const grantDm = (await eventually(
      async () => s.slack.messagesIn(`D${requester.slackUserId}`).find((m) => buttonValue(m, ACTIONS.revoke)),
      (found) => found !== undefined,
    )) as StoredMessage;
    assert.equal(buttonValue(grantDm, ACTIONS.revoke), workflowId);
    const revokeResponseId = randomUUID();
    await socket.deliver(
      'interactive',
      blockActionPayload({
        user: requester.slackUserId,
        actionId: ACTIONS.revoke,
        value: buttonValue(grantDm, ACTIONS.revoke) as string,
        responseUrl: s.slack.responseUrl(revokeResponseId),
        channel: grantDm.channel,
        messageTs: grantDm.ts,
      }),
    );
    await eventually(
      () => isAssignedInMoto(requester.principalId),
      (assigned) => !assigned,
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(
      s.slack.responses.filter((r) => r.id === revokeResponseId).map((r) => r.body.text),
      [],
      'the click was not refused',
    );
    await eventually(
      async () => visibleText(approval),
      (text) => text.includes(`Revoked by <@${requester.slackUserId}>`),
      { timeoutMs: 60_000 },
    );
  });
});
