/**
 * Slack misbehaves: its Web API answers 429 with Retry-After and 500s while Slack-routed grants are approved,
 * granted and revoked (a grant never waits on Slack); and the same Approve click reaches two app instances at once.
 */
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { AccessRequest } from '../../src/domain/grant';
import { requestIdFor } from '../../src/slack/app';
import { ACTIONS } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { WorkerProcess } from '../support/chaosStand';
import { buttonValue, FakeSlack, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually } from '../support/keycard';
import { signedClick, slackWorkerEnv, startSlackApp, type SlackAppInstance } from '../support/slackApps';
import { APPROVER, APPROVER_CHANNEL, newRequester } from '../support/slackStand';
import { stand } from '../support/stand';
import { scenario, seconds, type ScenarioRun, type TrackedGrant } from './harness';

/** `/prod-access <duration> <reason>` from a new requester through `app`: the grant it starts, tracked. */
async function requestInSlack(
  run: ScenarioRun,
  slack: FakeSlack,
  app: SlackAppInstance,
  duration: string,
  label: string,
): Promise<TrackedGrant> {
  const person = await newRequester(slack);
  const reason = 'checking the failover';
  const { triggerId } = await app.slash(person.slackUserId, `${duration} ${reason}`);
  const { seed } = stand();
  const request: AccessRequest = {
    requestId: requestIdFor('T0TEST', triggerId),
    requester: { slackUserId: person.slackUserId, email: person.email },
    reason,
    target: { accountId: seed.accountId, permissionSetArn: seed.permissionSetArn },
    duration,
    requestedAt: new Date().toISOString(),
  };
  return run.track(request, person.principalId, 'slack', label);
}

/** Waits until the workflow has its approvers (so a click can be decided), then approves with one signed click. */
async function approve(client: Client, slack: FakeSlack, apps: SlackAppInstance[], grant: TrackedGrant) {
  const handle = client.workflow.getHandle(grant.workflowId);
  await eventually(
    async () => (await handle.query(statusQuery).catch(() => undefined))?.approvers,
    (approvers) => approvers !== undefined,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const click = signedClick(slack, APPROVER, ACTIONS.approve, grant.workflowId);
  return { click, answers: await Promise.all(apps.map((app) => click.deliverTo(app.eventsUrl))) };
}

async function slackWorld(run: ScenarioRun, name: string, appCount: number) {
  const { client } = stand().devServer.env;
  const slack = new FakeSlack();
  await slack.start();
  run.onCleanup(() => slack.stop());
  const taskQueue = `chaos-${name}-${randomUUID().slice(0, 8)}`;
  run.worker(
    await WorkerProcess.start({
      name: `worker-${name}`,
      temporalAddress: stand().devServer.address,
      mongoUrl: run.mongoUrl,
      taskQueue,
      env: slackWorkerEnv(slack),
    }),
  );
  const apps: SlackAppInstance[] = [];
  for (let index = 0; index < appCount; index++) {
    const app = await startSlackApp(client, taskQueue, slack);
    run.onCleanup(() => app.stop());
    apps.push(app);
  }
  return { client, slack, apps };
}

const FAILING = ['chat.postMessage', 'conversations.open', 'chat.update', 'chat.postEphemeral', 'views.publish'];

describe('chaos: Slack misbehaves', function () {
  scenario(
    'Slack answering 429 with Retry-After and 500s',
    'every chat.postMessage and conversations.open answered 429 (Retry-After 2 s), every chat.update, chat.postEphemeral and views.publish 500, until all 3 grants are revoked',
    240_000,
    async (run) => {
      const { client, slack, apps } = await slackWorld(run, 'slack-down', 1);
      slack.fail('chat.postMessage', Number.POSITIVE_INFINITY, 'ratelimited', 2);
      slack.fail('conversations.open', Number.POSITIVE_INFINITY, 'ratelimited', 2);
      for (const method of ['chat.update', 'chat.postEphemeral', 'views.publish']) {
        slack.fail(method, Number.POSITIVE_INFINITY, 'http_500');
      }
      const grants: TrackedGrant[] = [];
      for (const duration of ['6s', '8s', '10s']) {
        grants.push(await requestInSlack(run, slack, apps[0], duration, `${duration} Slack grant`));
      }
      for (const grant of grants) await approve(client, slack, apps, grant);
      // Granted and revoked while every message Keycard tries to send is refused.
      for (const grant of grants) {
        await eventually(
          async () => run.watcher.sighting(grant.principalId).goneAt,
          (goneAt) => goneAt !== undefined,
          { timeoutMs: 90_000, intervalMs: 250 },
        ).catch(() => undefined);
        const sighting = run.watcher.sighting(grant.principalId);
        run.expect(sighting.firstSeenAt !== undefined, `${grant.label} was not granted while Slack was failing`);
        run.expect(sighting.goneAt !== undefined, `${grant.label} was not revoked while Slack was failing`);
      }
      const refused = slack.calls.filter((call) => FAILING.includes(call.method)).length;
      slack.clearFailures();
      const recoveredAt = Date.now();
      run.note(
        `Slack refused ${refused} Web API calls (429 or 500) before it recovered; every grant had ended by then`,
      );
      await run.ended(client, 150_000);
      run.note(`the workflows finished their messages ${seconds(Date.now() - recoveredAt)} after Slack recovered`);
      for (const grant of grants) {
        const dm = slack.messagesIn(`D${grant.request.requester.slackUserId}`).length;
        run.expect(dm > 0, `${grant.label}: the requester never got a DM after Slack recovered`);
      }
      await run.checkInvariants();
    },
  );

  scenario(
    'the same approval click delivered to two Slack app instances at once',
    'one signed Approve click posted to two Bolt app instances concurrently',
    180_000,
    async (run) => {
      const { client, slack, apps } = await slackWorld(run, 'double-click', 2);
      const grant = await requestInSlack(run, slack, apps[0], '5s', 'approved twice at once');
      const approval = (await eventually(
        async () =>
          slack
            .messagesIn(APPROVER_CHANNEL)
            .find((message) => visibleText(message).includes(`<@${grant.request.requester.slackUserId}>`)),
        (message) => message !== undefined,
        { timeoutMs: 60_000 },
      )) as StoredMessage;
      run.expect(
        buttonValue(approval, ACTIONS.approve) === grant.workflowId,
        'the approval message carries the grant workflow',
      );
      const { click, answers } = await approve(client, slack, apps, grant);
      run.expect(
        answers.every((answer) => answer.status === 200),
        `both app instances acknowledge: ${answers.map((a) => a.status).join(', ')}`,
      );
      await run.assigned(grant);
      await run.ended(client, 90_000);
      const refusals = slack.responses.filter((response) => response.id === click.responseId);
      run.note(
        `the two deliveries: ${answers.map((a) => a.status).join(' and ')}; refusals shown to the approver: ${
          refusals.map((response) => JSON.stringify(response.body.text)).join(', ') || 'none'
        }`,
      );
      await run.checkInvariants();
    },
  );
});
