/** The manifest an admin pastes must match what the code listens for and calls. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../support/processes';

describe('the Slack app manifest', function () {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs/slack-app-manifest.json'), 'utf8'));

  it('declares /prod-access, interactivity and the App Home on /slack/events', () => {
    assert.equal(manifest.features.slash_commands[0].command, '/prod-access');
    assert.match(manifest.features.slash_commands[0].url, /\/slack\/events$/);
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.match(manifest.settings.interactivity.request_url, /\/slack\/events$/);
    assert.equal(manifest.features.app_home.home_tab_enabled, true);
    assert.deepEqual(manifest.settings.event_subscriptions.bot_events, ['app_home_opened']);
  });

  it('asks for exactly the bot scopes Keycard uses', () => {
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [
      'chat:write', // chat.postMessage, chat.update
      'commands', // /prod-access
      'im:write', // conversations.open for DMs
      'usergroups:read', // usergroups.users.list for APPROVERS groups
      'users:read', // users.info
      'users:read.email', // the requester's email → Identity Center
    ]);
  });
});
