/**
 * What an operator deploys: the IAM policies in docs/iam-policy.json (the worker) and docs/iam-policy-auditor.json
 * (`keycard audit verify`), docker-compose.yml and the Dockerfile. The policies are checked against the AWS calls the
 * code makes; the compose file is resolved by docker-compose itself.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
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

/** The stack's passwords, none of which has a default: compose refuses to start without each. */
const STACK_PASSWORDS = {
  TEMPORAL_DB_PASSWORD: 'test-postgres-password',
  MONGODB_ROOT_PASSWORD: 'test-root-password',
  KEYCARD_MONGODB_PASSWORD: 'test-keycard-password',
  MONGODB_AUDITOR_PASSWORD: 'test-auditor-password',
};

async function dockerCompose(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', ...args], {
      cwd,
      // Only what compose needs: no TEMPORAL_* or other variables of this shell leak into the interpolation.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
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
    throw Object.assign(
      new Error(`docker-compose ${args.join(' ')} failed: ${failure.message}\n${failure.stderr ?? ''}`, {
        cause: error,
      }),
      { stderr: failure.stderr ?? '' },
    );
  }
}

/**
 * YAML as JSON, read by the YAML library docker-compose itself runs on (PyYAML, under the interpreter of its own
 * script): the project needs no YAML package of its own for this one test.
 */
function parseYaml(text: string): unknown {
  const script = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, 'docker-compose'))
    .find((candidate) => existsSync(candidate));
  assert.ok(script, 'docker-compose is on PATH');
  const shebang = /^#!\s*(\S*python\S*)/.exec(readFileSync(script, 'utf8').split('\n')[0]);
  const python = shebang?.[1] ?? 'python3';
  const json = execFileSync(
    python,
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: text, encoding: 'utf8' },
  );
  return JSON.parse(json);
}

interface ComposeService {
  environment?: Record<string, string | null>;
  ports?: (string | { host_ip?: string; published?: string | number; target?: number })[];
  command?: string | string[];
  volumes?: (string | { source?: string; target?: string })[];
  healthcheck?: { test?: string | string[] };
  build?: unknown;
  user?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Every published port of a service as host address and port: `127.0.0.1:8080:8080/tcp` → 127.0.0.1, 8080. */
function publishedPorts(service: ComposeService): { host: string; port: string }[] {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry !== 'string') return { host: entry.host_ip ?? '0.0.0.0', port: String(entry.published) };
    const parts = entry.replace(/\/\w+$/, '').split(':');
    return parts.length === 3 ? { host: parts[0], port: parts[1] } : { host: '0.0.0.0', port: parts[0] };
  });
}

describe('deploying Keycard', function () {
  describe('the IAM policies in docs/iam-policy.json and docs/iam-policy-auditor.json', function () {
    it('allows exactly the AWS actions the worker calls, no more and no fewer', () => {
      const allowed = new Set(readPolicy().Statement.flatMap((statement) => list(statement.Action)));
      const called = new Set([...actionsTheCodeCalls(), ...checkpointActions('worker')]);
      assert.deepEqual([...allowed].sort(), [...called].sort());
      // The eight the README names, so a change to the code cannot silently shrink both sides.
      for (const action of [
        'identitystore:GetUserId',
        'identitystore:DescribeUser',
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
    let resolved: ComposeFile;
    const service = (name: string): ComposeService => {
      const found = resolved.services[name];
      assert.ok(found, `service ${name} is in the resolved config: ${Object.keys(resolved.services).join(', ')}`);
      return found;
    };

    before(async function () {
      // The compose file reads .env (env_file), which a fresh clone does not have: resolve it beside a copy of
      // .env.example, as `cp .env.example .env` would, with the stack's passwords in the environment.
      dir = tempDir('compose');
      for (const file of ['docker-compose.yml', 'Dockerfile', 'deploy/mongodb/init-users.js']) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
      }
      copyFileSync(path.join(PROJECT_ROOT, '.env.example'), path.join(dir, '.env'));
      resolved = parseYaml(await dockerCompose(dir, ['config'], STACK_PASSWORDS)) as ComposeFile;
    });

    it('is a valid compose file once .env is copied from .env.example and the passwords are set (docker-compose config -q)', async () => {
      assert.equal(await dockerCompose(dir, ['config', '-q'], STACK_PASSWORDS), '');
    });

    for (const name of Object.keys(STACK_PASSWORDS)) {
      it(`refuses to start without ${name}, naming it (no default password)`, async () => {
        const others = Object.fromEntries(Object.entries(STACK_PASSWORDS).filter(([key]) => key !== name));
        const refusal = await dockerCompose(dir, ['config', '-q'], others).then(
          () => assert.fail(`docker-compose config accepted the file without ${name}`),
          (error: { stderr: string }) => error.stderr,
        );
        assert.match(refusal, new RegExp(`set ${name}`));
        // .env.example lists it empty, and empty counts as unset.
        const emptied = await dockerCompose(dir, ['config', '-q'], { ...others, [name]: '' }).then(
          () => 'accepted',
          (error: { stderr: string }) => error.stderr,
        );
        assert.match(emptied, new RegExp(`set ${name}`));
      });
    }

    it('has no default for any password: every one is ${VAR:?…}, never ${VAR:-…} or a literal', () => {
      const compose = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
      const references = [...compose.matchAll(/\$\{(\w*PASSWORD\w*)(:?[?-])?/g)];
      assert.ok(references.length >= 4, 'the passwords are read from the environment');
      for (const [reference, , operator] of references) assert.equal(operator, ':?', `${reference} has no default`);
      const raw = parseYaml(compose) as ComposeFile;
      for (const [name, { environment = {} }] of Object.entries(raw.services)) {
        for (const [variable, value] of Object.entries(environment)) {
          if (!/PASSWORD|PWD/.test(variable) || value === '') continue;
          assert.match(String(value), /^\$\{\w+:\?/, `${name}.${variable} comes from the environment, no default`);
        }
      }
    });

    it('runs keycard, temporal, temporal-ui and mongodb', async () => {
      const services = (await dockerCompose(dir, ['config', '--services'], STACK_PASSWORDS))
        .split('\n')
        .filter(Boolean);
      for (const name of ['keycard', 'temporal', 'temporal-ui', 'mongodb']) {
        assert.ok(services.includes(name), `${name} is one of ${services.join(', ')}`);
      }
    });

    it('publishes every port on 127.0.0.1 only: the Temporal UI 8080, Keycard 3000 and its ops port 9464', () => {
      const published = Object.fromEntries(
        Object.entries(resolved.services).map(([name, definition]) => [name, publishedPorts(definition)]),
      );
      assert.deepEqual(published['temporal-ui'], [{ host: '127.0.0.1', port: '8080' }]);
      assert.deepEqual(published.keycard, [
        { host: '127.0.0.1', port: '3000' },
        { host: '127.0.0.1', port: '9464' },
      ]);
      assert.equal(service('keycard').environment?.OPS_PORT, '9464', 'the published ops port is the one it serves');
      for (const name of ['mongodb', 'postgresql', 'temporal']) assert.deepEqual(published[name], [], name);
      for (const [name, ports] of Object.entries(published)) {
        for (const { host, port } of ports) assert.equal(host, '127.0.0.1', `${name} publishes ${port} on ${host}`);
      }
    });

    it('runs the Temporal UI with its write actions disabled', () => {
      const environment = service('temporal-ui').environment ?? {};
      for (const flag of [
        'TEMPORAL_DISABLE_WRITE_ACTIONS',
        'TEMPORAL_WORKFLOW_TERMINATE_DISABLED',
        'TEMPORAL_WORKFLOW_CANCEL_DISABLED',
        'TEMPORAL_WORKFLOW_SIGNAL_DISABLED',
        'TEMPORAL_WORKFLOW_RESET_DISABLED',
        'TEMPORAL_START_WORKFLOW_DISABLED',
        'TEMPORAL_BATCH_ACTIONS_DISABLED',
      ]) {
        assert.equal(environment[flag], 'true', flag);
      }
    });

    it('runs MongoDB with authentication: a root password, a key file, a read-write user for Keycard and a read-only one for auditors', () => {
      const mongodb = service('mongodb');
      assert.equal(mongodb.environment?.MONGO_INITDB_ROOT_PASSWORD, STACK_PASSWORDS.MONGODB_ROOT_PASSWORD);
      const command = ([] as string[]).concat(mongodb.command ?? []).join(' ');
      assert.match(
        command,
        /mongod --replSet rs0 --bind_ip_all --keyFile /,
        'a replica set with auth needs a key file',
      );
      const volumes = (mongodb.volumes ?? []).map((volume) => (typeof volume === 'string' ? volume : volume.target));
      assert.ok(
        volumes.some((volume) => /init-users\.js:\/docker-entrypoint-initdb\.d\/init-users\.js:ro$/.test(volume ?? '')),
        `the user script is mounted where the image runs it: ${volumes.join(', ')}`,
      );
      assert.match(([] as string[]).concat(mongodb.healthcheck?.test ?? []).join(' '), /mongosh .*-u root -p /);
      const init = readFileSync(path.join(PROJECT_ROOT, 'deploy/mongodb/init-users.js'), 'utf8');
      assert.match(
        init,
        /user: 'keycard',\s*pwd: process\.env\.KEYCARD_MONGODB_PASSWORD,\s*roles: \[\{ role: 'readWrite', db: 'keycard' \}\]/,
      );
      assert.match(
        init,
        /user: 'auditor',\s*pwd: process\.env\.MONGODB_AUDITOR_PASSWORD,\s*roles: \[\{ role: 'read', db: 'keycard' \}\]/,
      );
      for (const name of ['KEYCARD_MONGODB_PASSWORD', 'MONGODB_AUDITOR_PASSWORD'] as const) {
        assert.equal(mongodb.environment?.[name], STACK_PASSWORDS[name], `the init script gets ${name}`);
      }
    });

    it("points keycard at the stack's Temporal and, as its own MongoDB user, the replica set, whatever .env says", () => {
      const keycard = service('keycard');
      assert.equal(keycard.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
      assert.equal(
        keycard.environment?.MONGODB_URL,
        `mongodb://keycard:${STACK_PASSWORDS.KEYCARD_MONGODB_PASSWORD}@mongodb:27017/keycard?replicaSet=rs0&authSource=keycard`,
      );
      assert.ok(keycard.build, 'keycard is built from the Dockerfile');
    });

    it("never hands the stack's passwords to Keycard's container (they may sit in .env, which it reads)", () => {
      const environment = service('keycard').environment ?? {};
      for (const name of Object.keys(STACK_PASSWORDS)) assert.equal(environment[name], '', name);
    });

    it('runs keycard as a non-root user', () => {
      const user = runtimeUser(readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
      assert.ok(user, 'the Dockerfile sets USER in its last stage');
      assert.ok(!/^(root|0)(:|$)/.test(user), `USER ${user} is not root`);
      assert.equal(service('keycard').user, undefined, 'the compose file does not override it');
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
