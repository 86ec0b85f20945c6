/** The demo's web server: the page's files and the JSON API it plays Slack through (see the README's Demo section). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { IdentityCenterAssignment } from './identityCenter';
import { APPROVERS_CHANNEL, DEMO_BANNER, DEMO_PEOPLE } from './people';
import { PROJECT_ROOT } from './processes';
import type { FakeSlack } from './slack/fakeSlackApi';
import { readBody, type StoredMessage } from './slack/slackValues';
import type { ActionContainer, DemoWorkspace } from './workspace';

/** The page's sources, and the compiled JavaScript tsc makes of its TypeScript, in that order of preference. */
const PAGE_DIRS = [
  path.join(PROJECT_ROOT, 'dist', 'src', 'demo', 'page'),
  path.join(PROJECT_ROOT, 'src', 'demo', 'page'),
];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface DemoServerParts {
  slack: FakeSlack;
  workspace: DemoWorkspace;
  temporalUiUrl: string;
  assignments(): Promise<IdentityCenterAssignment[]>;
}

export async function startDemoServer(
  parts: DemoServerParts,
  port = 0,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    route(parts, req, res).catch((error: Error) => sendJson(res, 500, { error: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(parts: DemoServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://demo');
  if (req.method === 'GET' && pathname === '/api/state') return sendJson(res, 200, await state(parts));
  if (req.method === 'GET' && pathname === '/') return sendFile(res, 'index.html');
  if (req.method === 'GET' && pathname.startsWith('/page/')) return sendFile(res, pathname.slice('/page/'.length));
  if (req.method !== 'POST' || !pathname.startsWith('/api/')) return sendJson(res, 404, { error: 'not found' });
  const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
  const { workspace } = parts;
  if (!workspace.knows(body.user)) return sendJson(res, 400, { error: 'user must be one of the demo people' });
  const user = body.user;
  switch (pathname) {
    case '/api/command':
      return sendJson(res, 200, await workspace.command(user, String(body.text ?? '')));
    case '/api/action':
      return sendJson(
        res,
        200,
        await workspace.action(user, (body.action ?? {}) as Record<string, unknown>, body.container as ActionContainer),
      );
    case '/api/submit':
      return sendJson(
        res,
        200,
        await workspace.submit(
          user,
          String(body.viewId),
          (body.values ?? {}) as Record<string, Record<string, { type: string; value: string }>>,
        ),
      );
    case '/api/close':
      return sendJson(res, 200, workspace.close(user, String(body.viewId)));
    case '/api/home':
      return sendJson(res, 200, await workspace.home(user));
    default:
      return sendJson(res, 404, { error: 'not found' });
  }
}

/** Everything the page shows, as the people of the workspace would see it now. */
async function state({ slack, temporalUiUrl, assignments }: DemoServerParts) {
  const message = ({
    channel,
    ts,
    text,
    blocks,
  }: {
    channel: string;
    ts: string;
    text: string;
    blocks: unknown[];
  }) => ({
    channel,
    ts,
    text,
    blocks,
  });
  const perPerson = <T>(value: (id: string) => T) =>
    Object.fromEntries(DEMO_PEOPLE.map((person) => [person.id, value(person.id)]));
  const dmOf = (id: string): StoredMessage[] => [...slack.messagesIn(`D${id}`), ...slack.messagesIn(id)];
  return {
    banner: DEMO_BANNER,
    temporalUiUrl,
    people: DEMO_PEOPLE,
    channels: [{ ...APPROVERS_CHANNEL, messages: slack.messagesIn(APPROVERS_CHANNEL.id).map(message) }],
    dms: perPerson((id) => dmOf(id).map(message)),
    ephemerals: perPerson((id) => (slack.surfaces.ephemerals.get(id) ?? []).map(message)),
    homes: perPerson((id) => slack.surfaces.homes.get(id) ?? null),
    modals: perPerson((id) => slack.surfaces.topModal(id) ?? null),
    identityCenter: await assignments(),
  };
}

function sendFile(res: ServerResponse, relative: string): void {
  for (const dir of PAGE_DIRS) {
    const file = path.resolve(dir, relative);
    // Only files inside the page folder are served.
    if (!file.startsWith(dir + path.sep)) break;
    if (existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
  }
  sendJson(res, 404, { error: `no page file ${relative}` });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
