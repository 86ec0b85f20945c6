/**
 * Slack's Socket Mode, faked: the fake Web API's apps.connections.open hands out this local WebSocket URL, the
 * server says hello, delivers envelopes, and collects the app's acks.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './fakeSlack';

export class FakeSocketMode {
  private server?: WebSocketServer;
  private socket?: WebSocket;
  private connectedWaiters: (() => void)[] = [];
  private ackWaiters = new Map<string, (payload: Record<string, unknown>) => void>();
  private next = 1;

  async start(slack: FakeSlack): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server?.once('listening', () => resolve()));
    slack.socketModeUrl = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=test`;
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { envelope_id: string; payload?: Record<string, unknown> };
        this.ackWaiters.get(message.envelope_id)?.(message.payload ?? {});
        this.ackWaiters.delete(message.envelope_id);
      });
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0KEYCARD' } }));
      for (const resolve of this.connectedWaiters.splice(0)) resolve();
    });
  }

  async connected(): Promise<void> {
    if (this.socket) return;
    await new Promise<void>((resolve) => this.connectedWaiters.push(resolve));
  }

  /** Sends an envelope (type 'slash_commands' or 'interactive') and returns the app's ack payload. */
  async deliver(type: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.connected();
    const envelopeId = `envelope-${this.next++}`;
    const acked = new Promise<Record<string, unknown>>((resolve) => this.ackWaiters.set(envelopeId, resolve));
    this.socket?.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
    return acked;
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
