import assert from 'node:assert/strict';
import { targetMatches } from '../../src/services/audit/auditQueries';

const PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-abc';
const OLD_KEY = `123456789012/${PS}`;
const PAIRS = [`111122223333/${PS}`, `444455556666/${PS}`];

describe('which grants `keycard audit --target` finds', function () {
  const rows: [string, string, string, readonly string[], boolean][] = [
    ['an older grant by its whole key', OLD_KEY, OLD_KEY, [], true],
    ['an older grant by its account', '123456789012', OLD_KEY, [], true],
    ['an older grant by its permission set ARN', PS, OLD_KEY, [], true],
    ['an older grant by its ps- id', 'ps-abc', OLD_KEY, [], true],
    ['an older grant by another account', '999999999999', OLD_KEY, [], false],
    ['a catalog grant by its key', 'prod-admin', 'prod-admin', PAIRS, true],
    ['a catalog grant by a part of its key', 'prod-admi', 'prod-admin', PAIRS, false],
    ['a catalog grant by its second account', '444455556666', 'prod-admin', PAIRS, true],
    ['a catalog grant by its permission set', 'ps-abc', 'prod-admin', PAIRS, true],
    ['a catalog grant by an account it does not cover', '123456789012', 'prod-admin', PAIRS, false],
    ['a blank query', '  ', 'prod-admin', PAIRS, false],
  ];
  for (const [story, query, key, pairs, found] of rows) {
    it(`${story}: ${found ? 'found' : 'not found'}`, () => assert.equal(targetMatches(query, key, pairs), found));
  }
});
