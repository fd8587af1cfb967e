import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Port: where a channel's secret (its Slack webhook URL, or a webhook's URL and signing key) lives.
 * Secrets Manager in AWS; locally a folder of owner-only files (LocalSecretStore). Names are
 * `cloudoptima/alert-channels/<tenantId>/<channelId>`, built here from checked ids only.
 */
export interface SecretStore {
  put(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | null>;
  delete(name: string): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
export const SECRET_PREFIX = 'cloudoptima/alert-channels/';

export function channelSecretName(tenantId: string, channelId: string): string {
  if (!ID.test(tenantId) || !ID.test(channelId)) throw new Error('invalid id for a secret name');
  return `${SECRET_PREFIX}${tenantId}/${channelId}`;
}

export class SecretsManagerSecretStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient) {}

  async put(name: string, value: string): Promise<void> {
    await this.client.send(new CreateSecretCommand({ Name: name, SecretString: value, Description: 'CloudOptima alert channel target' }));
  }

  async get(name: string): Promise<string | null> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      return out.SecretString ?? null;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return null;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      // Channel ids are never reused, so the secret can go at once (no recovery window to wait out).
      await this.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

/** The local platform's secret store: one file per secret, readable by this user only. */
export class LocalSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  private path(name: string): string {
    if (!name.startsWith(SECRET_PREFIX)) throw new Error('unexpected secret name');
    return join(this.dir, `${name.slice(SECRET_PREFIX.length).replace('/', '__')}.secret`);
  }

  async put(name: string, value: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = this.path(name);
    await writeFile(path, value, { mode: 0o600 });
    await chmod(path, 0o600);
  }

  async get(name: string): Promise<string | null> {
    try {
      return await readFile(this.path(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    await rm(this.path(name), { force: true });
  }
}
