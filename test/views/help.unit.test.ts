/** `/prod-access help`, built without Slack. */
import assert from 'node:assert/strict';
import { implicitCatalog, type CatalogTarget } from '../../src/domain/catalog';
import { helpMessage } from '../../src/views/help';
import { BLOCK_KIT_LIMITS, blockKitProblem } from '../support/blockKitLimits';

const HOUR = 3_600_000;

function target(key: string, name: string): CatalogTarget {
  return {
    key,
    name,
    accounts: [{ id: '111122223333', name: 'payments-prod' }],
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${key}`,
    duration: { defaultMs: HOUR, maxMs: 8 * HOUR, choicesMs: [HOUR, 8 * HOUR] },
    approvers: ['S0SRE'],
  };
}

describe('/prod-access help', function () {
  it('lists each target given by name, key and durations, then how to ask with a target', () => {
    const { text, blocks } = helpMessage([target('prod-admin', 'Production admin'), target('staging', 'Staging <b>')]);
    assert.match(text, /• \*Production admin\* \(`prod-admin`\): default 1h, at most 8h; choices 1h, 8h/);
    assert.match(text, /• \*Staging &lt;b&gt;\* \(`staging`\)/, 'names are escaped');
    assert.match(text, /`\/prod-access <target> \[duration\] <reason>`/);
    assert.match(text, /`\/prod-access prod-admin 2h debugging the checkout 500s`/);
    assert.match(text, /`\/prod-access cancel`/);
    assert.equal(blockKitProblem(blocks, BLOCK_KIT_LIMITS.messageBlocks), undefined);
  });

  it('without a catalog, shows the one target without its key and the syntax of before', () => {
    const implicit = implicitCatalog({
      accountId: '111122223333',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
      defaultMs: 4 * HOUR,
      maxMs: 8 * HOUR,
    }).targets;
    const { text } = helpMessage(implicit);
    assert.match(text, /• \*Production access\*: default 4h, at most 8h\n/);
    assert.doesNotMatch(text, /default`/);
    assert.match(text, /`\/prod-access 2h <reason>`/);
  });

  it('says what to do when there is nothing the person may request', () => {
    assert.match(helpMessage([]).text, /You cannot request any target yet\. Ask an approver/);
  });

  it('lists a long catalog whole, within Slack’s limits', () => {
    const many = Array.from({ length: 60 }, (_, i) => target(`target-${i}`, `${'Long name '.repeat(7)}${i}`));
    const { text, blocks } = helpMessage(many);
    assert.match(text, /target-59/);
    assert.equal(blockKitProblem(blocks, BLOCK_KIT_LIMITS.messageBlocks), undefined);
  });
});
