import assert from 'node:assert/strict';
import { grantQuery, literal } from '../../src/workflows/visibility';

describe('visibility queries over grant workflows', () => {
  it('names the search attributes from definitions.ts and quotes each value', () => {
    assert.equal(
      grantQuery({ grantsOnly: true, running: true, state: 'active', requester: 'ana@example.com', target: '1/arn' }),
      `WorkflowType = 'prodAccess' AND ExecutionStatus = 'Running' AND ProdAccessState = "active" AND ` +
        `ProdAccessRequester = "ana@example.com" AND ProdAccessTarget = "1/arn"`,
    );
  });

  it('asks for any of several states with IN', () => {
    assert.equal(grantQuery({ state: ['pending', 'active'] }), 'ProdAccessState IN ("pending", "active")');
  });

  it("keeps an apostrophe in an email as it is (o'brien@…)", () => {
    assert.equal(literal("o'brien@example.com"), `"o'brien@example.com"`);
  });

  for (const hostile of ['a"b@example.com', 'a\\b@example.com', 'a\nb@example.com', 'a\u0000b']) {
    it(`refuses a value that could change the query: ${JSON.stringify(hostile)}`, () => {
      assert.throws(() => literal(hostile), /refusing a visibility query value/);
    });
  }
});
