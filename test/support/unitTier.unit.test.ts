/**
 * The unit tier runs with no server and no root hooks: no `*.unit.test.ts` may reach, through its imports, the module
 * that boots the stand (or the hooks that call it). Read from the sources, so it holds however the tier is run.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const SERVER_MODULES = [
  'test/support/stand.ts',
  'test/support/hooks.ts',
  'test/support/chaosStand.ts',
  'test/chaos/hooks.ts',
];

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

/** The project files `file` imports by a relative path (packages are not the stand). */
function importsOf(file: string): string[] {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.flatMap((specifier) => {
    const base = path.join(path.dirname(file), specifier);
    const found = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) =>
      existsSync(path.join(ROOT, candidate)),
    );
    return found ? [found] : [];
  });
}

/** The chain of imports from `start` to a server module, or undefined when none is reachable. */
function pathToServer(start: string): string[] | undefined {
  const seen = new Set<string>([start]);
  const queue: string[][] = [[start]];
  while (queue.length > 0) {
    const chain = queue.shift() as string[];
    const file = chain[chain.length - 1];
    if (SERVER_MODULES.includes(file)) return chain;
    for (const next of importsOf(file)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...chain, next]);
      }
    }
  }
  return undefined;
}

describe('the unit tier', function () {
  const unitFiles = filesUnder('test').filter((file) => file.endsWith('.unit.test.ts'));

  it('has unit test files', () => {
    assert.ok(unitFiles.length > 0);
  });

  it('never imports the stand or its hooks, directly or through a helper', () => {
    const offenders = unitFiles.flatMap((file) => {
      const chain = pathToServer(file);
      return chain ? [chain.join(' → ')] : [];
    });
    assert.deepEqual(offenders, []);
  });

  it('the check itself finds the stand behind a helper', () => {
    assert.ok(pathToServer('test/support/keycard.ts'), 'keycard.ts reaches stand.ts');
  });
});
