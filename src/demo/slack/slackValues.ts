/** Reading what the fake Slack keeps: request parameters as the SDK sends them, and what a message shows. */
import type { IncomingMessage } from 'node:http';

/** The one workspace and app the fake Slack plays: auth.test names them, and Slack's requests carry them. */
export const FAKE_TEAM_ID = 'T0TEST';
export const FAKE_TEAM_DOMAIN = 'keycard-test';
export const FAKE_APP_ID = 'A0KEYCARD';

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
  updates: number;
}

export function blocksOf(params: Record<string, unknown>): Record<string, unknown>[] {
  const blocks = parsed(params.blocks);
  return Array.isArray(blocks) ? blocks : [];
}

/** A JSON parameter as the SDK sends it: a string in form-encoded calls, a value in JSON ones. */
export function parsed(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export function parseParams(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? JSON.parse(raw) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Every `text` string in a tree of blocks, depth first, in order. */
export function blockTexts(blocks: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.text === 'string') texts.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(blocks);
  return texts;
}

/** All text in a message's blocks, flattened, for assertions on what people see. */
export function visibleText(message: { text: string; blocks: Record<string, unknown>[] }): string {
  const texts = blockTexts(message.blocks);
  return texts.length ? texts.join('\n') : message.text;
}

/** The workflow id a message's button of `actionId` carries. */
export function buttonValue(message: StoredMessage, actionId: string): string | undefined {
  for (const block of message.blocks) {
    for (const element of (block.elements as Record<string, unknown>[] | undefined) ?? []) {
      if (element.action_id === actionId) return element.value as string;
    }
  }
  return undefined;
}
