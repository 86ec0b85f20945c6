/**
 * Grants of a catalog target in every message: the target's name and key, and each account as `name (id)`; grants
 * without one read as they always did. Built without Slack.
 */
import assert from 'node:assert/strict';
import type { Catalog } from '../../src/domain/catalog';
import type { RequestedTarget } from '../../src/domain/grant';
import {
  approvalMessage,
  extensionRequestMessage,
  grantHistoryMessage,
  homeView,
  liveGrantsMessage,
  requesterNotice,
  shownTargetOf,
  type GrantListing,
} from '../../src/views';
import { MAX_ACCOUNTS_SHOWN } from '../../src/views/target';
import { blockKitProblem, BLOCK_KIT_LIMITS } from '../support/blockKitLimits';
import {
  APPROVER,
  broadcasts,
  controlSequences,
  grantStatus,
  HOSTILE,
  REQUESTER,
  visibleText,
  WORKFLOW_ID,
} from './grantStatus';

const PERMISSION_SET = 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin';
const PROD_ADMIN: RequestedTarget = {
  key: 'prod-admin',
  name: 'Production admin',
  permissionSetArn: PERMISSION_SET,
  accounts: [
    { id: '111122223333', name: 'payments-prod' },
    { id: '444455556666', name: 'checkout-prod' },
  ],
  requesterRule: 'everyone',
};
const FIRST_ACCOUNT = { accountId: '111122223333', permissionSetArn: PERMISSION_SET };
const SHOWN = 'Production admin (prod-admin) in payments-prod (111122223333), checkout-prod (444455556666)';
const EXPIRES = '2026-01-05T14:00:00.000Z';
const ENDED = '2026-01-05T11:30:00.000Z';
const NOW = new Date('2026-01-05T12:00:00Z');

const catalogGrant = (overrides: Parameters<typeof grantStatus>[0] = {}) =>
  grantStatus({ target: FIRST_ACCOUNT, catalogTarget: PROD_ADMIN, ...overrides });

function fieldTexts(block: unknown): string[] {
  return ((block as { fields?: { text: string }[] }).fields ?? []).map((field) => field.text);
}

/** A target with as many accounts as a catalog may list, each with the longest name it allows. */
function wideTarget(count: number): RequestedTarget {
  return {
    ...PROD_ADMIN,
    name: 'N'.repeat(75),
    accounts: Array.from({ length: count }, (_, n) => ({
      id: String(100000000000 + n),
      name: `${'a'.repeat(70)}-${String(n).padStart(4, '0')}`,
    })),
  };
}

describe('a catalog target in the messages', function () {
  it('the approval message names the target and key, lists each account, and gives the permission set in context', () => {
    const message = approvalMessage(catalogGrant(), WORKFLOW_ID);
    assert.deepEqual(fieldTexts(message.blocks[1]), [
      `*Requester*\n<@${REQUESTER}> · alice@example.com`,
      '*Target*\nProduction admin (prod-admin)',
      '*Accounts*\npayments-prod (111122223333)\ncheckout-prod (444455556666)',
      '*Duration*\n4h',
    ]);
    assert.deepEqual(message.blocks[2], {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Permission set ${PERMISSION_SET}`, verbatim: true }],
    });
    assert.match(visibleText(message.blocks[3] ? { blocks: [message.blocks[3]] } : { blocks: [] }), /^\*Reason:\*/);
  });

  it('a one-account target says Account', () => {
    const one = { ...PROD_ADMIN, accounts: [PROD_ADMIN.accounts[0]] };
    const message = approvalMessage(catalogGrant({ catalogTarget: one }), WORKFLOW_ID);
    assert.equal(fieldTexts(message.blocks[1])[2], '*Account*\npayments-prod (111122223333)');
  });

  it('a grant without a catalog target reads as before: one Target line, no context', () => {
    const message = approvalMessage(grantStatus(), WORKFLOW_ID);
    assert.deepEqual(fieldTexts(message.blocks[1]).slice(1), ['*Target*\nps-admin @ 123456789012', '*Duration*\n4h']);
    assert.ok(message.blocks.every((block) => block.type !== 'context'));
  });

  it('the extension request names the target and each account', () => {
    const status = catalogGrant({
      state: 'active',
      expiresAt: EXPIRES,
      maxTotalDuration: '12h',
      pendingExtension: { by: REQUESTER, duration: '1h', reason: 'still on it', requestedAt: ENDED },
    });
    const message = extensionRequestMessage(status, WORKFLOW_ID, 'extension_requested');
    const facts = fieldTexts(message.blocks[1]);
    assert.ok(facts.includes('*Target*\nProduction admin (prod-admin)'), facts.join(' | '));
    assert.ok(facts.includes('*Accounts*\npayments-prod (111122223333)\ncheckout-prod (444455556666)'));
    assert.equal(message.blocks[2].type, 'context');
  });

  it('the requester is told the target by name, with every account', () => {
    const granted = requesterNotice(catalogGrant({ state: 'active', expiresAt: EXPIRES }), 'granted', WORKFLOW_ID);
    assert.equal(granted?.text, `You have production access to ${SHOWN} until 2026-01-05 14:00 UTC.`);
    const ended = requesterNotice(
      catalogGrant({
        state: 'revoked',
        ending: 'expired',
        revokedAt: ENDED,
        revokedBy: 'keycard',
        revokeReason: 'expired',
      }),
      'revoked',
      WORKFLOW_ID,
    );
    assert.equal(ended?.text, `Your production access to ${SHOWN} ended at 2026-01-05 11:30 UTC.`);
    const approved = requesterNotice(catalogGrant({ approvedBy: APPROVER }), 'approved', WORKFLOW_ID);
    assert.equal(
      approved?.text,
      `<@${APPROVER}> approved your request for production access to ${SHOWN}. Granting it now…`,
    );
  });

  it('the warning before the end names which access ends', () => {
    const warning = requesterNotice(
      catalogGrant({ state: 'active', expiresAt: EXPIRES }),
      'expiry_warning',
      WORKFLOW_ID,
    );
    assert.equal(warning?.text, `Your production access to ${SHOWN} ends at 2026-01-05 14:00 UTC.`);
  });

  it('the App Home of a catalog says how to name a target, find the targets and open the form', () => {
    const view = homeView([], 'C0APPROVERS', { catalog: true });
    assert.equal(
      (view.blocks[0] as { text: { text: string } }).text.text,
      '*Keycard* hands out production access for a few hours and takes it back on time.\n' +
        'Ask with `/prod-access <target> [duration] <reason>`, or `/prod-access` alone for a form; ' +
        "`/prod-access help` lists the targets you may ask for. Each target's approvers decide, by default in <#C0APPROVERS>.",
    );
  });

  it('who and history list the target by name with its accounts; a key alone is shown as it is', () => {
    const listing: GrantListing = {
      workflowId: WORKFLOW_ID,
      state: 'active',
      running: true,
      requesterSlackId: REQUESTER,
      target: 'prod-admin',
      catalogTarget: PROD_ADMIN,
      grantedAt: '2026-01-05T10:00:00Z',
      expiresAt: EXPIRES,
    };
    const who = liveGrantsMessage([listing], NOW);
    assert.match(visibleText(who), new RegExp(`<@${REQUESTER}> · ${SHOWN.replace(/[()]/g, '\\$&')} since 10:00 UTC`));
    const history = grantHistoryMessage([listing], NOW);
    assert.ok(visibleText(history).includes(SHOWN));
    const keyOnly = liveGrantsMessage([{ ...listing, catalogTarget: undefined }], NOW);
    assert.ok(visibleText(keyOnly).includes(' · prod-admin since'), visibleText(keyOnly));
  });

  it("the App Home shows a live grant's target by name and accounts, from the catalog's entry for its key", () => {
    const catalog: Catalog = {
      targets: [
        {
          key: 'prod-admin',
          name: 'Production admin',
          accounts: PROD_ADMIN.accounts,
          permissionSetArn: PERMISSION_SET,
          duration: { defaultMs: 3_600_000, maxMs: 7_200_000, choicesMs: [] },
          approvers: [APPROVER],
        },
      ],
    };
    assert.equal(shownTargetOf(catalog, '111122223333/' + PERMISSION_SET), undefined);
    assert.equal(shownTargetOf(catalog, 'gone'), undefined);
    assert.equal(shownTargetOf(undefined, 'prod-admin'), undefined);
    const view = homeView(
      [
        {
          workflowId: WORKFLOW_ID,
          target: 'prod-admin',
          catalogTarget: shownTargetOf(catalog, 'prod-admin'),
          expiresAt: new Date(EXPIRES),
        },
      ],
      'C0APPROVERS',
    );
    assert.equal(
      (view.blocks[1] as { text: { text: string } }).text.text,
      `Active: ${SHOWN} until 2026-01-05 14:00 UTC`,
    );
  });

  it('a target with many long-named accounts stays within Block Kit limits, counting the accounts not listed', () => {
    const wide = wideTarget(40);
    const status = catalogGrant({
      catalogTarget: wide,
      state: 'active',
      expiresAt: EXPIRES,
      maxTotalDuration: '12h',
      pendingExtension: { by: REQUESTER, duration: '1h', reason: 'x'.repeat(500), requestedAt: ENDED },
      reason: 'y'.repeat(500),
    });
    const messages = [
      approvalMessage(status, WORKFLOW_ID),
      extensionRequestMessage(status, WORKFLOW_ID, 'extension_requested'),
      requesterNotice(status, 'granted', WORKFLOW_ID),
      liveGrantsMessage(
        Array.from({ length: 45 }, () => ({
          workflowId: WORKFLOW_ID,
          state: 'active',
          running: true,
          target: 'prod-admin',
          catalogTarget: wide,
          reason: 'z'.repeat(500),
        })),
        NOW,
      ),
    ];
    for (const message of messages) {
      assert.ok(message);
      assert.equal(blockKitProblem(message.blocks, BLOCK_KIT_LIMITS.messageBlocks), undefined);
      assert.ok(visibleText(message).includes(`and ${40 - MAX_ACCOUNTS_SHOWN} more`));
    }
    const home = homeView(
      Array.from({ length: 20 }, () => ({ workflowId: WORKFLOW_ID, target: 'prod-admin', catalogTarget: wide })),
      'C0APPROVERS',
    );
    assert.equal(blockKitProblem(home.blocks, BLOCK_KIT_LIMITS.viewBlocks), undefined);
  });

  it('names from the catalog cannot ping, mention, link or start a line', () => {
    const hostile: RequestedTarget = {
      ...PROD_ADMIN,
      name: `${HOSTILE}\n*Approved:* yes`,
      accounts: [{ id: '111122223333', name: `${HOSTILE}\nline` }],
    };
    const status = catalogGrant({ catalogTarget: hostile, state: 'active', expiresAt: EXPIRES });
    const messages = [
      approvalMessage(status, WORKFLOW_ID),
      requesterNotice(status, 'granted', WORKFLOW_ID),
      liveGrantsMessage([{ workflowId: WORKFLOW_ID, state: 'active', running: true, catalogTarget: hostile }], NOW),
      homeView([{ workflowId: WORKFLOW_ID, catalogTarget: hostile }], 'C0APPROVERS'),
    ];
    for (const message of messages) {
      assert.ok(message);
      const text = visibleText(message);
      // Keycard's own sequences (the requester's mention, the channel link, `<reason>`) are the only ones left.
      const planted = controlSequences(text).filter(
        (sequence) => ![`<@${REQUESTER}>`, '<#C0APPROVERS>', '<reason>'].includes(sequence),
      );
      assert.deepEqual(planted, [], text);
      assert.deepEqual(broadcasts(text), [], text);
      assert.ok(!/\n\*Approved:\*/.test(text), text);
    }
  });
});
