import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AccountTarget, CollectWarning } from '#shared/inventory/provider.js';
import { assumedRoleCredentials } from './credentials.js';
import { isAccessDenied, withRetry, type CallOptions } from './retry.js';

/** What every AWS collector shares: credentials per account (cached per container) and retried calls. */
export class AccountCalls {
  private readonly credentials = new Map<string, AwsCredentialIdentityProvider>();

  constructor(
    private readonly sts: STSClient,
    readonly options: CallOptions = {},
  ) {}

  credentialsFor(target: AccountTarget): AwsCredentialIdentityProvider {
    const key = `${target.tenantId}|${target.roleArn}|${target.externalId}`;
    let provider = this.credentials.get(key);
    if (!provider) this.credentials.set(key, (provider = assumedRoleCredentials(this.sts, target)));
    return provider;
  }

  call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, this.options);
  }

  /**
   * One API's part of the collection: a refusal (the role lacks the permission, the region is not
   * opted in) becomes a warning and an empty answer, so the other services are still collected.
   */
  async part<T>(warnings: CollectWarning[], region: string, action: string, empty: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!isAccessDenied(error)) throw error;
      warnings.push({ region, service: action, code: (error as Error).name, message: (error as Error).message.slice(0, 500) });
      return empty;
    }
  }
}

/** Every page of a paginated call, following the token the answer names. */
export async function allPages<R, T>(send: (token: string | undefined) => Promise<R>, items: (r: R) => T[] | undefined, next: (r: R) => string | undefined): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await send(token);
    out.push(...(items(page) ?? []));
    token = next(page);
  } while (token);
  return out;
}
