/** Escaping user text for mrkdwn, and the alert text, without any server. */
import assert from 'node:assert/strict';
import { alertText, channelLink, escapeLine, escapeText, mention, oneLine } from '../../src/views';
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

  it('puts typed text on one line: line breaks, tabs, control and invisible format characters become one space', () => {
    assert.equal(oneLine('fix\n*Target:* all accounts\n*Duration:* 1m'), 'fix *Target:* all accounts *Duration:* 1m');
    assert.equal(oneLine('a\r\nb\u2028c\u2029d\te\u000bf\u0085g'), 'a b c d e f g');
    assert.equal(oneLine('bell\u0007 esc\u001b[31m del\u007f'), 'bell esc [31m del');
    assert.equal(oneLine('rtl\u202Eevil\u202C zero\u200Bwidth\uFEFF'), 'rtl evil zero width');
    assert.equal(oneLine('  \n padded \n  '), 'padded');
    assert.equal(oneLine('débogage 🚀 *bold*'), 'débogage 🚀 *bold*');
  });

  it('escapes a one-line reason as any typed text', () => {
    assert.equal(escapeLine('<!channel>\n@here'), '&lt;!channel&gt; @\u2060here');
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
