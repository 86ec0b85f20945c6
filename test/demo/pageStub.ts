/**
 * A stand-in for the demo server while the page is worked on: serves the page and an /api/state made from the real
 * view builders, and records what the page posts. Test-only; the real server lives in src/demo.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { approvalMessage, extensionModal, homeView, requesterNotice } from '../../src/views';
import { APPROVER, grantStatus, REQUESTER, WORKFLOW_ID } from '../views/grantStatus';

const ROOT = path.resolve(__dirname, '../../..');
const TYPES: Record<string, string> = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript' };

export function stubState(): unknown {
  const active = grantStatus({
    state: 'active',
    reason: 'debugging the checkout <b>bold?</b>',
    approvedBy: APPROVER,
    grantedAt: '2026-01-05T10:00:00.000Z',
    expiresAt: '2026-01-05T10:02:00.000Z',
  });
  const message = (channel: string, ts: string, built: { text: string; blocks: unknown[] }) => ({
    channel,
    ts,
    ...built,
  });
  return {
    banner: 'Demo: no real access is granted. Slack and AWS here are local stand-ins.',
    temporalUiUrl: 'http://127.0.0.1:8233',
    people: [
      { id: REQUESTER, name: 'Alice', email: 'alice@example.com', role: 'requester' },
      { id: APPROVER, name: 'Bob', email: 'bob@example.com', role: 'approver' },
    ],
    channels: [
      {
        id: 'C0APPROVERS',
        name: 'approvers',
        messages: [
          message('C0APPROVERS', '1767607200.000100', approvalMessage(grantStatus(), WORKFLOW_ID)),
          message('C0APPROVERS', '1767607260.000200', approvalMessage(active, WORKFLOW_ID)),
        ],
      },
    ],
    dms: { [REQUESTER]: [message('D0ALICE', '1767607270.000300', requesterNotice(active, 'granted', WORKFLOW_ID)!)] },
    ephemerals: {
      [REQUESTER]: [
        {
          channel: 'D0ALICE',
          ts: '1767607200.000050',
          text: 'Your request is with the approvers in <#C0APPROVERS>.',
          blocks: [],
        },
      ],
    },
    homes: { [REQUESTER]: { id: 'V0HOME', ...homeView([], 'C0APPROVERS') } },
    modals: { [APPROVER]: { id: 'V0MODAL', ...extensionModal(WORKFLOW_ID) } },
    identityCenter: [
      {
        accountId: '123456789012',
        accountName: 'production',
        permissionSetName: 'ps-admin',
        principalId: 'u-1',
        userName: 'alice',
        email: 'alice@example.com',
      },
    ],
  };
}

export async function startPageStub(): Promise<{ url: string; posts: unknown[]; stop(): Promise<void> }> {
  const posts: unknown[] = [];
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += chunk;
      posts.push({ path: url.pathname, body: JSON.parse(body || '{}') });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (url.pathname === '/api/state') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(stubState()));
      return;
    }
    const file = url.pathname === '/' ? 'index.html' : path.basename(url.pathname);
    for (const dir of ['src/demo/page', 'dist/src/demo/page']) {
      try {
        const content = await readFile(path.join(ROOT, dir, file));
        response.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
        response.end(content);
        return;
      } catch {
        // try the next folder
      }
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    posts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
