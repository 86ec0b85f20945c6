/** Who may ask and who may decide: one table over users.info as Slack describes each kind of account. */
import assert from 'node:assert/strict';
import { personProblem, type SlackPerson } from '../../src/slack/people';
import type { SlackWorkspace } from '../../src/slack/workspace';

const WORKSPACE: SlackWorkspace = { appId: 'A0KEYCARD', teamId: 'T0TEST' };
const GRID: SlackWorkspace = { ...WORKSPACE, enterpriseId: 'E0ORG' };
const MEMBER: SlackPerson = {
  id: 'U0ALICE',
  team_id: 'T0TEST',
  deleted: false,
  is_bot: false,
  is_app_user: false,
  is_restricted: false,
  is_ultra_restricted: false,
  is_email_confirmed: true,
  profile: { email: 'alice@example.com' },
};

const rows: {
  name: string;
  user: SlackPerson | undefined;
  workspace?: SlackWorkspace;
  asks: RegExp | undefined;
  decides: RegExp | undefined;
}[] = [
  { name: 'a member with a confirmed email', user: MEMBER, asks: undefined, decides: undefined },
  { name: 'no user at all', user: undefined, asks: /active people only/, decides: /active people only/ },
  {
    name: 'a deleted user',
    user: { ...MEMBER, deleted: true },
    asks: /active people only/,
    decides: /active people only/,
  },
  {
    name: 'a bot',
    user: { ...MEMBER, is_bot: true },
    asks: /bots, apps and workflows/,
    decides: /bots, apps and workflows/,
  },
  {
    name: 'an app user',
    user: { ...MEMBER, is_app_user: true },
    asks: /bots, apps and workflows/,
    decides: /bots, apps and workflows/,
  },
  {
    name: 'a workflow',
    user: { ...MEMBER, is_workflow_bot: true },
    asks: /bots, apps and workflows/,
    decides: /bots, apps/,
  },
  { name: 'Slackbot (is_bot false)', user: { ...MEMBER, id: 'USLACKBOT' }, asks: /bots, apps/, decides: /bots, apps/ },
  { name: 'a multi-channel guest', user: { ...MEMBER, is_restricted: true }, asks: /^Guests/, decides: /^Guests/ },
  {
    name: 'a single-channel guest',
    user: { ...MEMBER, is_ultra_restricted: true },
    asks: /^Guests of this workspace cannot ask/,
    decides: /^Guests of this workspace cannot decide/,
  },
  {
    name: 'a user of another team',
    user: { ...MEMBER, team_id: 'T0OTHER' },
    asks: /another team/,
    decides: /another team/,
  },
  {
    name: 'a user with no team',
    user: { ...MEMBER, team_id: undefined },
    asks: /another team/,
    decides: /another team/,
  },
  {
    name: 'a user of another organisation',
    user: { ...MEMBER, enterprise_user: { enterprise_id: 'E0OTHER' } },
    workspace: GRID,
    asks: /own organisation/,
    decides: /own organisation/,
  },
  {
    name: 'an organisation user where Keycard is in none',
    user: { ...MEMBER, enterprise_id: 'E0ORG' },
    asks: /own organisation/,
    decides: /own organisation/,
  },
  {
    name: 'a member of the same organisation',
    user: { ...MEMBER, enterprise_user: { enterprise_id: 'E0ORG' } },
    workspace: GRID,
    asks: undefined,
    decides: undefined,
  },
  {
    name: 'a member of a grid workspace without an organisation',
    user: MEMBER,
    workspace: GRID,
    asks: /own organisation/,
    decides: /own organisation/,
  },
  {
    name: 'an unconfirmed email',
    user: { ...MEMBER, is_email_confirmed: false },
    asks: /not confirmed/,
    decides: undefined,
  },
  {
    name: 'an email Slack says nothing about',
    user: { ...MEMBER, is_email_confirmed: undefined },
    asks: /not confirmed/,
    decides: undefined,
  },
  { name: 'no readable email', user: { ...MEMBER, profile: {} }, asks: /cannot read your email/, decides: undefined },
];

describe('who is a person of the workspace', function () {
  for (const row of rows) {
    it(`${row.name}: ${row.asks ? 'may not ask' : 'may ask'}, ${row.decides ? 'may not decide' : 'may decide'}`, () => {
      const workspace = row.workspace ?? WORKSPACE;
      const asking = personProblem(row.user, workspace, 'requester');
      const deciding = personProblem(row.user, workspace, 'decider');
      if (row.asks) assert.match(asking ?? '', row.asks);
      else assert.equal(asking, undefined);
      if (row.decides) assert.match(deciding ?? '', row.decides);
      else assert.equal(deciding, undefined);
      if (asking) assert.match(asking, /Nothing was requested\.$/);
      if (deciding) assert.match(deciding, /Nothing was changed\.$/);
    });
  }
});
