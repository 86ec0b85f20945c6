/**
 * Histories recorded from earlier versions of the workflow must replay through the current code: a change that
 * would break a running grant (and so its revoke) fails here, before it reaches a worker with live grants.
 */
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { PROJECT_ROOT } from '../support/processes';
import { stand } from '../support/stand';

const HISTORIES = path.join(PROJECT_ROOT, 'test/histories');

describe('recorded grant histories replay through the current workflow code', function () {
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));

  it('has recorded histories to replay', () => {
    assert.ok(files.length > 0, `no histories in ${HISTORIES}`);
  });

  for (const file of files) {
    it(`replays ${file} without nondeterminism`, async () => {
      const history = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
      await Worker.runReplayHistory({ workflowBundle: stand().workflowBundle }, history, file.replace('.json', ''));
    });
  }
});

describe('the replay test catches a change that would break running grants', function () {
  it('rejects a recorded v2 history replayed through a story with a different first command', async () => {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/reorderedStory'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    const file = 'prod-access-v2-approved-expired.json';
    const history = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle }, history, file.replace('.json', '')),
      (error: unknown) => error instanceof DeterminismViolationError,
    );
  });
});
