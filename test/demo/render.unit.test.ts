/**
 * The demo page's Block Kit renderer, on the real builders' output: every message, modal and App Home view Keycard
 * sends renders (no unsupported block), and what a requester typed stays text, never HTML.
 */
import assert from 'node:assert/strict';
import type { NoticeType } from '../../src/domain/grant';
import {
  approvalMessage,
  denyModal,
  extensionModal,
  extensionRequestMessage,
  grantHistoryMessage,
  homeView,
  liveGrantsMessage,
  requesterNotice,
} from '../../src/views';
import { mrkdwnToHtml, renderBlocks, renderMessage } from '../../src/demo/page/blockKit';
import { APPROVER, grantStatus, HOSTILE, REQUESTER, WORKFLOW_ID } from '../views/grantStatus';

const CONTEXT = { names: { [REQUESTER]: 'Alice', [APPROVER]: 'Bob' }, channels: { C0APPROVERS: 'approvers' } };
const GRANTED = '2026-01-05T10:00:00.000Z';
const EXPIRES = '2026-01-05T14:00:00.000Z';
const ENDED = '2026-01-05T11:30:00.000Z';

const active = (reason = 'checking the queue backlog') =>
  grantStatus({ state: 'active', reason, approvedBy: APPROVER, grantedAt: GRANTED, expiresAt: EXPIRES });

/** The HTML's tags, to check that only the renderer's own tags appear. */
function tags(html: string): string[] {
  return [...new Set([...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((match) => match[1].toLowerCase()))].sort();
}

const RENDERER_TAGS = new Set([
  'a',
  'blockquote',
  'br',
  'button',
  'code',
  'del',
  'div',
  'em',
  'hr',
  'input',
  'label',
  'option',
  'select',
  'span',
  'strong',
  'textarea',
]);

function assertRendered(html: string): void {
  assert.doesNotMatch(html, /bk-unsupported/, html);
  for (const tag of tags(html)) assert.ok(RENDERER_TAGS.has(tag), `unexpected <${tag}> in ${html}`);
}

/** Text as the browser would show it: tags dropped, entities decoded. */
function shown(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('the demo page renders Block Kit', function () {
  it('renders the approval message at every stage, with its buttons and @names', () => {
    const pending = renderMessage(approvalMessage(grantStatus(), WORKFLOW_ID), CONTEXT);
    assertRendered(pending);
    assert.match(pending, /<strong><span class="bk-mention">@Alice<\/span> requests production access<\/strong>/);
    assert.match(pending, /class="bk-button bk-primary" data-action="[^"]*keycard_approve[^"]*">Approve<\/button>/);
    assert.match(pending, /class="bk-button bk-danger" data-action="[^"]*keycard_deny[^"]*">Deny<\/button>/);
    const action = JSON.parse(shown(/data-action="([^"]*)"/.exec(pending)![1]));
    assert.deepEqual(action, {
      type: 'button',
      action_id: 'keycard_approve',
      text: { type: 'plain_text', text: 'Approve' },
      value: WORKFLOW_ID,
      style: 'primary',
      block_id: 'decision',
    });
    const states = [
      grantStatus({ approvedBy: APPROVER }),
      active(),
      grantStatus({ state: 'denied', deniedBy: APPROVER, denyReason: 'not now' }),
      grantStatus({ state: 'expired' }),
      grantStatus({
        state: 'revoked',
        revokedAt: ENDED,
        revokedBy: REQUESTER,
        revokeReason: 'done',
        grantedAt: GRANTED,
      }),
      grantStatus({ state: 'failed', failureReason: 'no such user' }),
    ];
    for (const status of states) assertRendered(renderMessage(approvalMessage(status, WORKFLOW_ID), CONTEXT));
    assert.match(renderMessage(approvalMessage(active(), WORKFLOW_ID), CONTEXT), /Revoke now/);
  });

  it('renders every notice the requester can get', () => {
    const events: NoticeType[] = [
      'approved',
      'denied',
      'expired',
      'granted',
      'revoked',
      'grant_failed',
      'expiry_warning',
      'extended',
      'extension_denied',
    ];
    const status = grantStatus({
      state: 'active',
      approvedBy: APPROVER,
      deniedBy: APPROVER,
      denyReason: 'no',
      grantedAt: GRANTED,
      expiresAt: EXPIRES,
      revokedAt: ENDED,
      history: [{ type: 'extended', at: ENDED, actor: APPROVER, duration: '1h', reason: 'more' }],
    } as never);
    let rendered = 0;
    for (const event of events) {
      const notice = requesterNotice(status, event, WORKFLOW_ID);
      if (!notice) continue;
      assertRendered(renderMessage(notice, CONTEXT));
      rendered += 1;
    }
    assert.equal(rendered, events.length);
    const granted = renderMessage(requesterNotice(status, 'granted', WORKFLOW_ID)!, CONTEXT);
    assert.match(granted, /until 2026-01-05 14:00 UTC/);
    assert.match(granted, /keycard_revoke/);
  });

  it('renders extension requests and their outcomes, the lists, the App Home and both modals', () => {
    const pendingExtension = { duration: '1h', reason: 'still on it', requestedBy: REQUESTER, requestedAt: ENDED };
    const extending = { ...active(), pendingExtension } as never;
    for (const event of ['extension_requested', 'extended', 'extension_denied'] as NoticeType[]) {
      assertRendered(renderMessage(extensionRequestMessage(extending, WORKFLOW_ID, event), CONTEXT));
    }
    const grant = {
      workflowId: WORKFLOW_ID,
      state: 'active',
      running: false,
      requesterSlackId: REQUESTER,
      requesterEmail: 'alice@example.com',
      target: '123456789012/arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
      reason: 'line one\nline two',
      approver: APPROVER,
      grantedAt: GRANTED,
      expiresAt: EXPIRES,
    };
    const who = renderMessage(liveGrantsMessage([grant]), CONTEXT);
    assertRendered(who);
    assert.match(who, /<blockquote>line one line two<\/blockquote>/);
    assert.match(who, /<code>keycard reconcile<\/code>/);
    assertRendered(renderMessage(liveGrantsMessage([]), CONTEXT));
    assertRendered(
      renderMessage(grantHistoryMessage([grant, { ...grant, state: 'revoked', endedAt: ENDED }]), CONTEXT),
    );
    assertRendered(renderMessage(grantHistoryMessage([]), CONTEXT));

    const home = renderBlocks(
      homeView([{ workflowId: WORKFLOW_ID, expiresAt: new Date(EXPIRES), target: grant.target }], 'C0APPROVERS').blocks,
      CONTEXT,
    );
    assertRendered(home);
    assert.match(home, /<code>\/prod-access &lt;reason&gt;<\/code>/);
    assert.match(home, /#approvers/);
    assert.match(home, /class="bk-accessory"><button[^>]*bk-danger[^>]*>Revoke now/);
    assertRendered(renderBlocks(homeView([], 'C0APPROVERS').blocks, CONTEXT));

    const extension = renderBlocks(extensionModal(WORKFLOW_ID).blocks, CONTEXT);
    assertRendered(extension);
    assert.match(
      extension,
      /<input class="bk-field" type="text" data-block-id="duration" data-action-id="duration_input"/,
    );
    assert.match(extension, /maxlength="10" value="1h">/);
    assert.match(extension, /<textarea[^>]*data-block-id="reason" data-action-id="reason_input"[^>]*maxlength="500">/);
    assert.match(extension, /data-error-for="duration"/);
    assertRendered(renderBlocks(denyModal(WORKFLOW_ID).blocks, CONTEXT));
  });

  it('renders the other blocks and elements a message may hold', () => {
    const html = renderBlocks([
      { type: 'header', text: { type: 'plain_text', text: 'Head <b>' } },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '_small_' }] },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*a*' },
          { type: 'plain_text', text: 'b' },
        ],
      },
      {
        type: 'input',
        block_id: 'pick',
        label: { type: 'plain_text', text: 'Pick' },
        element: {
          type: 'static_select',
          action_id: 'pick_input',
          options: [
            { text: { type: 'plain_text', text: 'One' }, value: '1' },
            { text: { type: 'plain_text', text: 'Two' }, value: '2' },
          ],
          initial_option: { text: { type: 'plain_text', text: 'Two' }, value: '2' },
        },
      },
    ]);
    assertRendered(html);
    assert.match(html, /Head &lt;b&gt;/);
    assert.match(html, /<em>small<\/em>/);
    assert.match(html, /<option value="2" selected>Two<\/option>/);
    assert.match(renderBlocks([{ type: 'video' }]), /unsupported Block Kit: video/);
  });

  it('formats mrkdwn: bold, italics, strike, code, links, mentions, broadcasts, emoji', () => {
    assert.equal(mrkdwnToHtml('*b* _i_ ~s~ `c`'), '<strong>b</strong> <em>i</em> <del>s</del> <code>c</code>');
    assert.equal(
      mrkdwnToHtml('<https://example.com/a?b=1&amp;c=2|the runbook>'),
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the runbook</a>',
    );
    assert.equal(
      mrkdwnToHtml('<@U0NOBODY> <!here>'),
      '<span class="bk-mention">@U0NOBODY</span> <span class="bk-mention">@here</span>',
    );
    assert.equal(mrkdwnToHtml(':rotating_light: snake_case_name'), '🚨 snake_case_name');
    assert.equal(mrkdwnToHtml('<javascript:alert(1)|click>'), 'click');
  });

  it('keeps hostile text as text: entities decoded once, everything escaped', () => {
    const typed = `${HOSTILE} <img src=x onerror=alert(1)> <script>alert(1)</script> &lt;b&gt; " ' \uE0000\uE000`;
    const html = renderMessage(approvalMessage(grantStatus({ reason: typed }), WORKFLOW_ID), CONTEXT);
    assertRendered(html);
    assert.doesNotMatch(html, /<(img|script|b)\b/i);
    assert.doesNotMatch(html, /<a /);
    assert.doesNotMatch(html, /bk-mention">@(channel|here|everyone|U0VICTIM)/);
    // Keycard's own escaping puts a word joiner after @here and its kind; the rest reads exactly as typed.
    assert.ok(
      shown(html)
        .replace(/\u2060/g, '')
        .includes(typed.replace('\uE0000\uE000', '0')),
      shown(html),
    );

    // Slack's own entities decode once: a typed "&lt;" (sent as "&amp;lt;") stays the four characters.
    assert.equal(mrkdwnToHtml('&amp;lt;b&amp;gt;'), '&amp;lt;b&amp;gt;');
    assert.equal(mrkdwnToHtml('&lt;img src=x&gt;'), '&lt;img src=x&gt;');
    // Labels of links and buttons, a modal's labels and values: escaped too.
    const button = renderBlocks([
      {
        type: 'actions',
        block_id: '"><img>',
        elements: [
          { type: 'button', action_id: 'a"', text: { type: 'plain_text', text: '<b>x</b>' }, value: '"><img>' },
        ],
      },
      {
        type: 'input',
        block_id: 'r"',
        label: { type: 'plain_text', text: '<i>' },
        element: { type: 'plain_text_input', action_id: 'x', initial_value: '"><script>' },
      },
    ]);
    assert.doesNotMatch(button, /<(img|b|i|script)\b/);
    assert.doesNotMatch(mrkdwnToHtml('<https://x.example|<b>>'), /<(b|a)\b/);
  });
});
