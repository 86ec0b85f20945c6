/** Escaping user text for mrkdwn, and the alert text, without any server. */
import assert from 'node:assert/strict';
import { alertText, channelLink, escapeText, mention } from '../../src/views';
import { broadcasts, controlSequences, HOSTILE } from './grantStatus';

describe('text that reaches Slack', function () {
  it('escapes every control sequence a person types, so nothing pings, mentions or links', () => {
    const escaped = escapeText(HOSTILE);
    assert.deepEqual(controlSequences(escaped), []);
    assert.deepEqual(broadcasts(escaped), []);
    assert.match(escaped, /&lt;!channel&gt;/);
    assert.match(escaped, /&lt;@U0VICTIM&gt;/);
    assert.match(escaped, /&lt;https:\/\/evil\.example\|the runbook&gt;/);
    assert.match(escaped, /&amp; /);
  });

  it('keeps @here and @channel readable, broken by an invisible joiner', () => {
    assert.equal(escapeText('@here and @Channel'), '@\u2060here and @\u2060Channel');
    assert.equal(escapeText('mail me at ops@here.example'), 'mail me at ops@\u2060here.example');
  });

  it('leaves plain text as typed', () => {
    assert.equal(escapeText('débogage 🚀 *bold* _it_'), 'débogage 🚀 *bold* _it_');
  });

  it('mentions only real user ids; anything else is shown escaped', () => {
    assert.equal(mention('U0APPROVER'), '<@U0APPROVER>');
    assert.equal(mention('W0ENTERPRISE'), '<@W0ENTERPRISE>');
    assert.equal(mention('keycard'), 'keycard');
    assert.equal(mention('U0X> <!channel'), 'U0X&gt; &lt;!channel');
    assert.equal(mention('ops@example.com'), 'ops@example.com');
  });

  it('links only real channel ids', () => {
    assert.equal(channelLink('C0APPROVERS'), '<#C0APPROVERS>');
    assert.equal(channelLink('G0PRIVATE'), '<#G0PRIVATE>');
    assert.equal(channelLink('#approvers <!here>'), '#approvers &lt;!here&gt;');
  });

  it('puts a siren before an alert', () => {
    assert.equal(alertText('revoke keeps failing'), ':rotating_light: revoke keeps failing');
  });
});
