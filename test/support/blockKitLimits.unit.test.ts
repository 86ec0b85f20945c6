/** What the fake Slack refuses, row by row, as Slack refuses it: one step past each limit fails, the limit passes. */
import assert from 'node:assert/strict';
import { BLOCK_KIT_LIMITS as LIMIT, blockKitProblem } from './blockKitLimits';

const text = (length: number) => ({ type: 'mrkdwn', text: 'x'.repeat(length) });
const plain = (length: number) => ({ type: 'plain_text', text: 'x'.repeat(length) });
const section = (length = 10) => ({ type: 'section', text: text(length) });
const button = (overrides: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain(10),
  action_id: 'keycard_approve',
  value: 'prod-access-abc',
  ...overrides,
});
const actions = (count: number, element = button()) => ({
  type: 'actions',
  elements: Array.from({ length: count }, () => element),
});

describe('the fake Slack refuses blocks past Block Kit limits', function () {
  const rows: { name: string; at: unknown[]; past: unknown[]; max?: number }[] = [
    {
      name: 'blocks in a message',
      at: Array.from({ length: LIMIT.messageBlocks }, () => section()),
      past: Array.from({ length: LIMIT.messageBlocks + 1 }, () => section()),
    },
    {
      name: 'blocks in a view',
      at: Array.from({ length: LIMIT.viewBlocks }, () => section()),
      past: Array.from({ length: LIMIT.viewBlocks + 1 }, () => section()),
      max: LIMIT.viewBlocks,
    },
    { name: 'section text', at: [section(LIMIT.sectionText)], past: [section(LIMIT.sectionText + 1)] },
    {
      name: 'header text',
      at: [{ type: 'header', text: plain(LIMIT.headerText) }],
      past: [{ type: 'header', text: plain(LIMIT.headerText + 1) }],
    },
    {
      name: 'button text',
      at: [actions(1, button({ text: plain(LIMIT.buttonText) }))],
      past: [actions(1, button({ text: plain(LIMIT.buttonText + 1) }))],
    },
    {
      name: 'button value',
      at: [actions(1, button({ value: 'v'.repeat(LIMIT.buttonValue) }))],
      past: [actions(1, button({ value: 'v'.repeat(LIMIT.buttonValue + 1) }))],
    },
    {
      name: 'action_id',
      at: [actions(1, button({ action_id: 'a'.repeat(LIMIT.actionId) }))],
      past: [actions(1, button({ action_id: 'a'.repeat(LIMIT.actionId + 1) }))],
    },
    {
      name: 'a button as a section accessory',
      at: [{ ...section(), accessory: button() }],
      past: [{ ...section(), accessory: button({ text: plain(LIMIT.buttonText + 1) }) }],
    },
    {
      name: 'context elements',
      at: [{ type: 'context', elements: Array.from({ length: LIMIT.contextElements }, () => text(5)) }],
      past: [{ type: 'context', elements: Array.from({ length: LIMIT.contextElements + 1 }, () => text(5)) }],
    },
    { name: 'actions elements', at: [actions(LIMIT.actionsElements)], past: [actions(LIMIT.actionsElements + 1)] },
    { name: 'an empty section', at: [section(1)], past: [section(0)] },
    {
      name: 'section fields',
      at: [{ type: 'section', fields: Array.from({ length: LIMIT.sectionFields }, () => text(5)) }],
      past: [{ type: 'section', fields: Array.from({ length: LIMIT.sectionFields + 1 }, () => text(5)) }],
    },
    {
      name: 'section field text',
      at: [{ type: 'section', fields: [text(LIMIT.fieldText)] }],
      past: [{ type: 'section', fields: [text(LIMIT.fieldText + 1)] }],
    },
    {
      name: 'an empty section field',
      at: [{ type: 'section', fields: [text(1)] }],
      past: [{ type: 'section', fields: [text(0)] }],
    },
  ];

  for (const row of rows) {
    it(`${row.name}: at the limit it passes, one past it is refused`, () => {
      const max = row.max ?? LIMIT.messageBlocks;
      assert.equal(blockKitProblem(row.at, max), undefined);
      assert.ok(blockKitProblem(row.past, max), `${row.name} past the limit must be refused`);
    });
  }

  it('a message without blocks is text only, and passes', () => {
    assert.equal(blockKitProblem(undefined, LIMIT.messageBlocks), undefined);
  });
});
