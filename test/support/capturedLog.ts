/** Log lines written during a test, parsed; the real logger writes them. Needs no server (unit tests use it). */
import { Writable } from 'node:stream';

export class CapturedLog extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    done();
  }
  errors(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.level === 'error');
  }
}
