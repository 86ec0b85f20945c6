/** The App Home, built without Slack. */
import assert from 'node:assert/strict';
import { ACTIONS, homeView } from '../../src/views';
import { broadcasts, buttons, controlSequences, HOSTILE, visibleText, WORKFLOW_ID } from './grantStatus';

describe('the App Home', function () {
  it('says how to ask and where approvers decide, and that nothing is held', () => {
    const view = homeView([], 'C0APPROVERS');
    assert.equal(view.type, 'home');
    assert.equal(
      visibleText(view),
      '*Keycard* hands out production access for a few hours and takes it back on time.\n' +
        'Ask with `/prod-access <reason>` or `/prod-access 2h <reason>`; an approver decides in <#C0APPROVERS>.\n' +
        'You hold no production access right now.',
    );
    assert.deepEqual(buttons(view), []);
  });

  it('lists each live grant until when, each with its own Revoke now button', () => {
    const other = 'prod-access-fedcba9876543210fedcba98';
    const view = homeView(
      [
        {
          workflowId: WORKFLOW_ID,
          target: '123456789012/arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
          expiresAt: new Date('2026-01-05T14:00:00Z'),
        },
        { workflowId: other },
      ],
      'C0APPROVERS',
    );
    assert.equal(view.blocks.length, 3);
    const texts = view.blocks.slice(1).map((block) => (block as { text: { text: string } }).text.text);
    assert.deepEqual(texts, ['Active: ps-admin until 2026-01-05 14:00 UTC', 'Active: ']);
    assert.deepEqual(buttons(view), [
      { action: ACTIONS.revoke, label: 'Revoke now', value: WORKFLOW_ID, style: 'danger' },
      { action: ACTIONS.revoke, label: 'Revoke now', value: other, style: 'danger' },
    ]);
  });

  it('shows a channel setting that is not a channel id as text, and escapes a hostile target', () => {
    const view = homeView([{ workflowId: WORKFLOW_ID, target: `x/${HOSTILE}` }], '<!channel>');
    const text = visibleText(view);
    // `<reason>` is the help text's own placeholder, inside a code span.
    assert.deepEqual(
      controlSequences(text).filter((sequence) => sequence !== '<reason>'),
      [],
    );
    assert.deepEqual(broadcasts(text), []);
  });
});
