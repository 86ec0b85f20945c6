/**
 * moto as the demo's Identity Center: started on a free port, seeded with its instance's permission set and the
 * requesters as Identity Store users, and read back for the page's panel (what is assigned to whom right now).
 * moto answers every call Keycard makes here (assignments succeed at once), so no fault proxy stands in front of it.
 */
import { CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CreatePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import path from 'node:path';
import { DEMO_ACCOUNTS, DEMO_PEOPLE, DEMO_PERMISSION_SET } from './people';
import { freePort, installedTool, launch, waitUntil, type ChildServer } from './processes';

export const DEMO_REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'demo', secretAccessKey: 'demo' };

export interface IdentityCenterAssignment {
  accountId: string;
  accountName: string;
  permissionSetName: string;
  principalId: string;
  userName: string;
  email: string;
}

export interface DemoIdentityCenter {
  url: string;
  instanceArn: string;
  identityStoreId: string;
  permissionSetArn: string;
  accountId: string;
  assignments(): Promise<IdentityCenterAssignment[]>;
  stop(): Promise<void>;
}

export async function startIdentityCenter(dataDir: string): Promise<DemoIdentityCenter> {
  const port = await freePort();
  const moto = launch(
    installedTool('moto_server'),
    ['-H', '127.0.0.1', '-p', String(port)],
    path.join(dataDir, 'moto.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(moto, 'moto', async () => (await fetch(`${url}/moto-api/data.json`)).ok);
    return await seeded(url, moto);
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

async function seeded(url: string, moto: ChildServer): Promise<DemoIdentityCenter> {
  const clientConfig = { region: DEMO_REGION, endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 };
  const ssoAdmin = new SSOAdminClient(clientConfig);
  const identityStore = new IdentitystoreClient(clientConfig);
  const { Instances } = await ssoAdmin.send(new ListInstancesCommand({}));
  const instanceArn = Instances?.[0]?.InstanceArn;
  const identityStoreId = Instances?.[0]?.IdentityStoreId;
  if (!instanceArn || !identityStoreId) throw new Error('moto has no Identity Center instance');
  const { PermissionSet } = await ssoAdmin.send(
    new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: DEMO_PERMISSION_SET, SessionDuration: 'PT1H' }),
  );
  const permissionSetArn = PermissionSet?.PermissionSetArn as string;
  const usersById = new Map<string, { name: string; email: string }>();
  for (const person of DEMO_PEOPLE.filter((candidate) => candidate.role === 'requester')) {
    const { UserId } = await identityStore.send(
      new CreateUserCommand({
        IdentityStoreId: identityStoreId,
        UserName: person.email,
        DisplayName: person.name,
        Name: { GivenName: person.name, FamilyName: 'Demo' },
        Emails: [{ Value: person.email, Type: 'work', Primary: true }],
      }),
    );
    usersById.set(UserId as string, { name: person.name, email: person.email });
  }
  return {
    url,
    instanceArn,
    identityStoreId,
    permissionSetArn,
    accountId: DEMO_ACCOUNTS[0].id,
    async assignments() {
      const found: IdentityCenterAssignment[] = [];
      for (const account of DEMO_ACCOUNTS) {
        const { AccountAssignments } = await ssoAdmin.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: instanceArn,
            AccountId: account.id,
            PermissionSetArn: permissionSetArn,
          }),
        );
        for (const assignment of AccountAssignments ?? []) {
          const principalId = assignment.PrincipalId as string;
          const user = usersById.get(principalId);
          found.push({
            accountId: account.id,
            accountName: account.name,
            permissionSetName: DEMO_PERMISSION_SET,
            principalId,
            userName: user?.name ?? principalId,
            email: user?.email ?? '',
          });
        }
      }
      return found;
    },
    async stop() {
      ssoAdmin.destroy();
      identityStore.destroy();
      await moto.stop();
    },
  };
}
