/**
 * The Slack side, timed from the outside: slash-command ack latency (signed request → HTTP 200) and
 * approval click → assignment SUCCEEDED as Identity Center (moto) lists it.
 */
import { randomUUID } from 'node:crypto';
import { ACTIONS } from '../src/views';
import { buttonValue, visibleText } from '../test/support/fakeSlack';
import { isAssignedInMoto } from '../test/support/keycard';
import { postSigned, slashCommandBody } from '../test/support/slackRequests';
import { APPROVER, APPROVER_CHANNEL, newRequester, SIGNING_SECRET, startSlackStand } from '../test/support/slackStand';
import { stand } from '../test/support/stand';
import { distribution, type Distribution } from './punctuality';

export async function slackFlow(
  acks: number,
  approvals: number,
): Promise<{ ack: Distribution; approvalToAssignment: Distribution }> {
  const s = await startSlackStand(stand().devServer.env);
  try {
    const ackMs: number[] = [];
    for (let i = 0; i < acks; i++) {
      const triggerId = randomUUID();
      // A Slack user Keycard does not know: the ack is measured, the request goes no further.
      const body = slashCommandBody({
        user_id: `U0BENCH${i}`,
        text: '2h benchmark the ack',
        trigger_id: triggerId,
        response_url: s.slack.responseUrl(triggerId),
      });
      const started = process.hrtime.bigint();
      const response = await postSigned(s.eventsUrl, body, { secret: SIGNING_SECRET });
      ackMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (response.status !== 200) throw new Error(`ack ${i} answered ${response.status}`);
    }
    const grantMs: number[] = [];
    for (let i = 0; i < approvals; i++) {
      const requester = await newRequester(s.slack);
      await s.slash(requester.slackUserId, 'benchmark the grant');
      let workflowId: string | undefined;
      while (!workflowId) {
        const message = s.slack
          .messagesIn(APPROVER_CHANNEL)
          .find((m) => visibleText(m).includes(`<@${requester.slackUserId}>`));
        workflowId = message && buttonValue(message, ACTIONS.approve);
        if (!workflowId) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const clicked = Date.now();
      await s.click(APPROVER, ACTIONS.approve, workflowId);
      while (!(await isAssignedInMoto(requester.principalId))) await new Promise((resolve) => setTimeout(resolve, 20));
      grantMs.push(Date.now() - clicked);
      await stand()
        .devServer.env.client.workflow.getHandle(workflowId)
        .signal('revoke', { by: 'bench', reason: 'done' });
    }
    return { ack: distribution(ackMs), approvalToAssignment: distribution(grantMs) };
  } finally {
    await s.stop();
  }
}
