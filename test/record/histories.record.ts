/**
 * Records the histories the replay test runs through the current workflow code. Not part of `npm test`:
 * run `npm run record-histories` after a deliberate, versioned change to the workflow, and commit the files.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { startAccessRequest } from '../../src/requests';
import { newRequest, startWorker } from '../support/keycard';
import { PROJECT_ROOT, tool } from '../support/processes';
import { stand } from '../support/stand';

describe('recording workflow histories for the replay test', function () {
  it('records a grant that expired', async () => {
    const { timeSkipping } = stand();
    const worker = await startWorker(timeSkipping);
    try {
      const { request } = await newRequest({ requestId: 'recorded-expired', duration: '4h' });
      const handle = await startAccessRequest(timeSkipping.client, worker.taskQueue, request);
      await handle.result();
      // The CLI writes the standard proto JSON that Worker.runReplayHistory reads.
      const { stdout } = await promisify(execFile)(
        tool('temporal'),
        ['workflow', 'show', '-w', handle.workflowId, '--address', timeSkipping.address, '-o', 'json'],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      await writeFile(path.join(PROJECT_ROOT, 'test/histories/prod-access-expired.json'), stdout);
    } finally {
      await worker.stop();
    }
  });
});
