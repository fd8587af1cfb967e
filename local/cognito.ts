import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { resolve, join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES } from '#shared/auth/permissions.js';

/**
 * cognito-local (pinned 5.3.0) started in-process, so its data folder, host and port are ours to
 * choose: its own CLI fixes the folder to ./.cognito and stamps `iss` from env at import time.
 * The package has no `exports` map; these deep requires are its documented server wiring.
 */
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';

const require = createRequire(import.meta.url);
const lib = (m: string) => require(`cognito-local/lib/${m}`);
const fromCognitoLocal = createRequire(require.resolve('cognito-local'));

export interface LocalCognito {
  endpoint: string;
  issuer(userPoolId: string): string;
  jwksUri(userPoolId: string): string;
  stop(): Promise<void>;
}

export async function startCognitoLocal(dataDir: string, port: number, host = '127.0.0.1'): Promise<LocalCognito> {
  const configDir = resolve(dataDir);
  const dbDir = join(configDir, 'db');
  await mkdir(dbDir, { recursive: true });

  const pino = fromCognitoLocal('pino');
  const AWS = fromCognitoLocal('aws-sdk');
  const { DateClock, TriggersService, LambdaService, MessagesService } = lib('services/index.js');
  const { CognitoServiceFactoryImpl } = lib('services/cognitoService.js');
  const { CryptoService } = lib('services/crypto.js');
  const { StormDBDataStoreFactory } = lib('services/dataStore/stormDb.js');
  const { ConsoleMessageSender } = lib('services/messageDelivery/consoleMessageSender.js');
  const { MessageDeliveryService } = lib('services/messageDelivery/messageDelivery.js');
  const { otp } = lib('services/otp.js');
  const { JwtTokenGenerator } = lib('services/tokenGenerator.js');
  const { UserPoolServiceFactoryImpl } = lib('services/userPoolService.js');
  const { loadConfig } = lib('server/config.js');
  const { Router } = lib('server/Router.js');
  const { createServer } = lib('server/server.js');

  const logger = pino({ level: 'silent' });
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory(configDir));
  // Its default makes every pool email-as-username (Username = sub); ours use the email itself,
  // as the deployed pool does.
  config.UserPoolDefaults = { ...config.UserPoolDefaults, UsernameAttributes: [] };
  config.ServerConfig = { ...config.ServerConfig, hostname: host, port, https: false };

  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dbDir);
  const cognito = await new CognitoServiceFactoryImpl(dbDir, dataStoreFactory, new UserPoolServiceFactoryImpl(clock, dataStoreFactory)).create(
    ctx,
    config.UserPoolDefaults,
  );
  const triggers = new TriggersService(clock, cognito, new LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)), new CryptoService(config.KMSConfig));
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server: Server = await createServer(Router(services), logger, config.ServerConfig, services).start();
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  // The token generator holds this object: `iss` becomes the real listener, not the import-time default.
  config.TokenConfig.IssuerDomain = endpoint;

  return {
    endpoint,
    issuer: (poolId) => `${endpoint}/${poolId}`,
    jwksUri: (poolId) => `${endpoint}/${poolId}/.well-known/jwks.json`,
    stop: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections(); // SDK keep-alive sockets would otherwise hold close() open
      }),
  };
}

export interface UserPoolIds {
  userPoolId: string;
  userPoolClientId: string;
}

/**
 * The user pool as lib/auth deploys it: the tenant custom attribute, the password policy, one
 * group per role and a public client for the console with 60-minute tokens.
 */
export async function createUserPool(client: CognitoIdentityProviderClient): Promise<UserPoolIds> {
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'cloudoptima-local',
      Schema: [{ Name: 'tenantId', AttributeDataType: 'String', Mutable: false }],
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
      },
    }),
  );
  const userPoolId = pool.UserPool!.Id!;
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'cloudoptima-console',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
      EnableTokenRevocation: true,
    }),
  );
  await ensureGroups(client, userPoolId);
  return { userPoolId, userPoolClientId: app.UserPoolClient!.ClientId! };
}

/** Creates missing role groups only: cognito-local's CreateGroup on an existing group wipes its members. */
export async function ensureGroups(client: CognitoIdentityProviderClient, userPoolId: string): Promise<void> {
  const existing = new Set((await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }))).Groups?.map((g) => g.GroupName));
  for (const [precedence, role] of [...ROLES].reverse().entries()) {
    if (!existing.has(role)) {
      await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: role, Precedence: precedence, Description: `CloudOptima ${role}` }));
    }
  }
}
