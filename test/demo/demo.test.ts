/**
 * `npm run demo` through the page's API, as the page uses it: a requester asks, an approver approves in the
 * approvers' channel, moto holds the assignment and the requester's DM says until when, the DM's button revokes it,
 * and stopping the demo leaves nothing running.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startDemo, type RunningDemo } from '../../src/demo';
import { ACTIONS } from '../../src/views';
import { eventually } from '../support/keycard';

interface Message {
  channel: string;
  ts: string;
  text: string;
  blocks: { type: string; elements?: Record<string, unknown>[] }[];
}

interface DemoState {
  banner: string;
  temporalUiUrl: string;
  people: { id: string; name: string; email: string; role: string }[];
  channels: { id: string; name: string; messages: Message[] }[];
  dms: Record<string, Message[]>;
  ephemerals: Record<string, Message[]>;
  identityCenter: { accountName: string; userName: string; email: string }[];
}

const button = (message: Message, actionId: string) =>
  message.blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === actionId);

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function processesUsing(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('npm run demo', function () {
  let demo: RunningDemo | undefined;

  after(async function () {
    this.timeout(60_000);
    await demo?.stop();
  });

  it('requests as a requester, approves as an approver, shows the grant in Identity Center, revokes from the DM, and stops clean', async function () {
    this.timeout(120_000);
    demo = await startDemo();
    const api = async (path: string, body?: unknown) => {
      const response = await fetch(new URL(path, demo?.url), {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      assert.equal(response.status, 200, `${path}: ${response.status}`);
      return response.json();
    };
    const state = () => api('/api/state') as Promise<DemoState>;
    const initial = await state();
    assert.match(initial.banner, /no real access/);
    assert.equal(initial.temporalUiUrl, demo.temporalUiUrl);
    const alice = initial.people.find((person) => person.name === 'Alice' && person.role === 'requester');
    const carol = initial.people.find((person) => person.role === 'approver');
    assert.ok(alice && carol);
    assert.deepEqual(initial.identityCenter, []);

    assert.deepEqual(await api('/api/command', { user: alice.id, text: 'debugging the demo' }), { status: 200 });
    const approval = (await eventually(
      async () =>
        (await state()).channels
          .find((channel) => channel.name === 'approvers')
          ?.messages.find((message) => message.text.includes(`<@${alice.id}>`)),
      (found) => found !== undefined,
      { timeoutMs: 30_000 },
    )) as Message;
    assert.match(approval.text, /debugging the demo/);

    const approve = button(approval, ACTIONS.approve);
    assert.ok(approve, 'the approval message has an Approve button');
    await api('/api/action', {
      user: carol.id,
      action: approve,
      container: { type: 'message', channel: approval.channel, ts: approval.ts },
    });
    const granted = await eventually(
      state,
      (now) =>
        now.identityCenter.some((held) => held.email === alice.email) &&
        now.dms[alice.id].some((message) => button(message, ACTIONS.revoke) !== undefined),
      { timeoutMs: 30_000 },
    );
    assert.equal(granted.identityCenter[0].accountName, 'production');
    const grantDm = granted.dms[alice.id].find((message) => button(message, ACTIONS.revoke)) as Message;
    assert.match(grantDm.text, /until \d\d:\d\d UTC/);

    await api('/api/action', {
      user: alice.id,
      action: button(grantDm, ACTIONS.revoke),
      container: { type: 'message', channel: grantDm.channel, ts: grantDm.ts },
    });
    await eventually(state, (now) => now.identityCenter.length === 0, { timeoutMs: 30_000 });

    const { url, temporalUiUrl, identityCenterUrl, dataDir } = demo;
    await demo.stop();
    demo = undefined;
    assert.deepEqual(processesUsing(dataDir), [], 'no Temporal or FerretDB process is left');
    assert.equal(existsSync(dataDir), false, 'the demo removed its data');
    for (const left of [url, temporalUiUrl, identityCenterUrl]) assert.equal(await reachable(left), false, left);
  });
});
