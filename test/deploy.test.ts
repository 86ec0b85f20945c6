/**
 * What an operator deploys: the IAM policies in docs/iam-policy.json (the worker) and docs/iam-policy-auditor.json
 * (`keycard audit verify`), docker-compose.yml and the Dockerfile. The policies are checked against the AWS calls the
 * code makes; the compose file is resolved by docker-compose itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, tempDir } from './support/processes';

const run = promisify(execFile);

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

function readPolicy(file = 'docs/iam-policy.json'): { Version: string; Statement: PolicyStatement[] } {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
}

/**
 * The audit checkpoints' calls (src/runtime/auditCheckpoints.ts) and the IAM actions each needs, by who makes it: the
 * worker signs and writes (a PutObject with Object Lock headers also takes s3:PutObjectRetention), the auditor reads
 * every version (a GetObject by VersionId is s3:GetObjectVersion) and the key's public half.
 */
const CHECKPOINT_CALLS: Record<string, { role: 'worker' | 'auditor'; actions: string[] }> = {
  Sign: { role: 'worker', actions: ['kms:Sign'] },
  PutObject: { role: 'worker', actions: ['s3:PutObject', 's3:PutObjectRetention'] },
  GetPublicKey: { role: 'auditor', actions: ['kms:GetPublicKey'] },
  ListObjectVersions: { role: 'auditor', actions: ['s3:ListBucketVersions'] },
  GetObject: { role: 'auditor', actions: ['s3:GetObjectVersion'] },
};

function checkpointActions(role: 'worker' | 'auditor'): Set<string> {
  const source = readFileSync(path.join(PROJECT_ROOT, 'src/runtime/auditCheckpoints.ts'), 'utf8');
  const operations = [...source.matchAll(/\bnew\s+(\w+)Command\s*\(/g)].map((match) => match[1]);
  assert.ok(operations.length > 0, 'found no AWS SDK calls in auditCheckpoints.ts');
  for (const operation of operations) {
    assert.ok(CHECKPOINT_CALLS[operation], `auditCheckpoints.ts calls ${operation}: name its IAM actions here`);
  }
  return new Set(
    operations
      .filter((operation) => CHECKPOINT_CALLS[operation].role === role)
      .flatMap((operation) => CHECKPOINT_CALLS[operation].actions),
  );
}

/**
 * The IAM actions the worker needs, read from the code: every `new XxxCommand(` and `paginateXxx(` in
 * src/services/identityCenter.ts. Commands imported from the Identity Store client are `identitystore:`, the rest
 * (SSO Admin) `sso:`.
 */
function actionsTheCodeCalls(): Set<string> {
  const source = readFileSync(path.join(PROJECT_ROOT, 'src/services/identityCenter.ts'), 'utf8');
  const identityStoreImports = /import\s*{([^}]*)}\s*from\s*'@aws-sdk\/client-identitystore'/.exec(source);
  assert.ok(identityStoreImports, 'identityCenter.ts imports from @aws-sdk/client-identitystore');
  const identityStoreOperations = new Set(
    [...identityStoreImports[1].matchAll(/\b(\w+)Command\b/g)].map((match) => match[1]),
  );
  const operations = [
    ...[...source.matchAll(/\bnew\s+(\w+)Command\s*\(/g)].map((match) => match[1]),
    ...[...source.matchAll(/\bpaginate(\w+)\s*\(/g)].map((match) => match[1]),
  ];
  assert.ok(operations.length > 0, 'found no AWS SDK calls in identityCenter.ts');
  return new Set(
    operations.map((operation) => `${identityStoreOperations.has(operation) ? 'identitystore' : 'sso'}:${operation}`),
  );
}

/** USER of the image's last stage (the one that runs), or undefined when it never sets one (root). */
function runtimeUser(dockerfile: string): string | undefined {
  const stages = dockerfile.split(/^\s*FROM\s/im);
  const lastStage = stages[stages.length - 1];
  const users = [...lastStage.matchAll(/^\s*USER\s+(\S+)/gim)].map((match) => match[1]);
  return users[users.length - 1];
}

/** The lines of one service in `docker-compose config` output (services are indented two spaces). */
function serviceBlock(resolved: string, service: string): string {
  const lines = resolved.split('\n');
  const start = lines.findIndex((line) => line === `  ${service}:`);
  assert.notEqual(start, -1, `service ${service} is in the resolved config:\n${resolved}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^ {0,2}\S/.test(line));
  return rest.slice(0, end === -1 ? undefined : end).join('\n');
}

async function dockerCompose(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', ...args], {
      cwd,
      // Only what compose needs: no TEMPORAL_* or other variables of this shell leak into the interpolation.
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    return stdout;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        'docker-compose is not installed (Debian: apt-get install --no-install-recommends docker-compose)',
        { cause: error },
      );
    }
    throw new Error(`docker-compose ${args.join(' ')} failed: ${failure.message}\n${failure.stderr ?? ''}`, {
      cause: error,
    });
  }
}

describe('deploying Keycard', function () {
  describe('the IAM policies in docs/iam-policy.json and docs/iam-policy-auditor.json', function () {
    it('allows exactly the AWS actions the worker calls, no more and no fewer', () => {
      const allowed = new Set(readPolicy().Statement.flatMap((statement) => list(statement.Action)));
      const called = new Set([...actionsTheCodeCalls(), ...checkpointActions('worker')]);
      assert.deepEqual([...allowed].sort(), [...called].sort());
      // The seven the README names, so a change to the code cannot silently shrink both sides.
      for (const action of [
        'identitystore:GetUserId',
        'sso:CreateAccountAssignment',
        'sso:DeleteAccountAssignment',
        'sso:DescribeAccountAssignmentCreationStatus',
        'sso:DescribeAccountAssignmentDeletionStatus',
        'sso:ListAccountAssignments',
        'sso:ListAccountAssignmentsForPrincipal',
      ]) {
        assert.ok(called.has(action), `${action} is called by identityCenter.ts`);
      }
      for (const action of ['kms:Sign', 's3:PutObject', 's3:PutObjectRetention']) {
        assert.ok(called.has(action), `${action} writes the audit checkpoints`);
      }
    });

    it('the auditor policy allows exactly what `keycard audit verify` calls to read the checkpoints', () => {
      const allowed = new Set(readPolicy('docs/iam-policy-auditor.json').Statement.flatMap((s) => list(s.Action)));
      assert.deepEqual([...allowed].sort(), [...checkpointActions('auditor')].sort());
      assert.deepEqual([...allowed].sort(), ['kms:GetPublicKey', 's3:GetObjectVersion', 's3:ListBucketVersions']);
    });

    for (const file of ['docs/iam-policy.json', 'docs/iam-policy-auditor.json'])
      it(`${file} only allows, with no wildcard action and no statement on every resource`, () => {
        const policy = readPolicy(file);
        assert.equal(policy.Version, '2012-10-17');
        assert.ok(policy.Statement.length > 0);
        for (const statement of policy.Statement) {
          assert.match(statement.Sid ?? '', /^[A-Za-z0-9]+$/, 'every statement has an alphanumeric Sid');
          assert.equal(statement.Effect, 'Allow', `${statement.Sid} is Allow`);
          for (const action of list(statement.Action)) {
            assert.ok(!action.includes('*'), `${statement.Sid}: ${action} is not a wildcard`);
          }
          assert.ok(list(statement.Resource).length > 0, `${statement.Sid} names its resources`);
          for (const resource of list(statement.Resource)) {
            assert.notEqual(resource, '*', `${statement.Sid} is scoped to named resources`);
          }
        }
      });
  });

  describe('docker-compose.yml and the Dockerfile', function () {
    let dir: string;
    let resolved: string;

    before(async function () {
      // The compose file reads .env (env_file), which a fresh clone does not have: resolve it beside a copy of
      // .env.example, as `cp .env.example .env` would.
      dir = tempDir('compose');
      copyFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
      copyFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), path.join(dir, 'Dockerfile'));
      copyFileSync(path.join(PROJECT_ROOT, '.env.example'), path.join(dir, '.env'));
      resolved = await dockerCompose(dir, ['config']);
    });

    it('is a valid compose file once .env is copied from .env.example (docker-compose config -q)', async () => {
      assert.equal(await dockerCompose(dir, ['config', '-q']), '');
    });

    it('runs keycard, temporal, temporal-ui and mongodb', async () => {
      const services = (await dockerCompose(dir, ['config', '--services'])).split('\n').filter(Boolean);
      for (const service of ['keycard', 'temporal', 'temporal-ui', 'mongodb']) {
        assert.ok(services.includes(service), `${service} is one of ${services.join(', ')}`);
      }
    });

    it("points keycard at the stack's Temporal and MongoDB replica set, whatever .env says", () => {
      const keycard = serviceBlock(resolved, 'keycard');
      assert.match(keycard, /^\s+TEMPORAL_ADDRESS: '?temporal:7233'?$/m);
      assert.match(keycard, /^\s+MONGODB_URL: '?mongodb:\/\/mongodb:27017\/keycard\?replicaSet=rs0'?$/m);
      assert.match(keycard, /^\s+build:/m, 'keycard is built from the Dockerfile');
    });

    it('runs keycard as a non-root user', () => {
      const user = runtimeUser(readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
      assert.ok(user, 'the Dockerfile sets USER in its last stage');
      assert.ok(!/^(root|0)(:|$)/.test(user), `USER ${user} is not root`);
      assert.doesNotMatch(serviceBlock(resolved, 'keycard'), /^\s+user:/m, 'the compose file does not override it');
    });

    it('keeps Slack and AWS secrets out of docker-compose.yml', () => {
      const compose = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
      for (const secret of [
        /xox[bpa]-/,
        /xapp-/,
        /SLACK_SIGNING_SECRET/,
        /AWS_SECRET_ACCESS_KEY/,
        /AWS_ACCESS_KEY_ID/,
      ]) {
        assert.doesNotMatch(compose, secret);
      }
    });
  });
});
