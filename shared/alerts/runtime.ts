import { dirname, join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { secretsManager } from '../aws/clients.js';
import { config } from '../config.js';
import { objectStore } from '../runtime.js';
import { LocalEmailRecorder, SnsEmailSender, type EmailSender } from './email.js';
import { LocalSecretStore, SecretsManagerSecretStore, type SecretStore } from './secrets.js';

/**
 * The alert providers for this environment, built once per container: Secrets Manager and the
 * tenant alerts SNS topic in AWS (ALERTS_TOPIC_ARN), and locally the clearly named local stand-ins
 * (a secrets folder beside the local object store, and an email recorder writing into it).
 */
export interface AlertProviders {
  secrets: SecretStore;
  email: EmailSender;
  consoleUrl: string;
  local: boolean;
}

let providers: AlertProviders | undefined;

export function alertProviders(): AlertProviders {
  if (providers) return providers;
  const local = config.localObjects();
  const topicArn = config.alertsTopicArn();
  const consoleUrl = config.consoleUrl() ?? local?.url ?? 'http://localhost';
  if (topicArn) {
    providers = { secrets: new SecretsManagerSecretStore(secretsManager()), email: new SnsEmailSender(new SNSClient({}), topicArn), consoleUrl, local: false };
  } else if (local) {
    providers = { secrets: new LocalSecretStore(join(dirname(local.dir), 'secrets')), email: new LocalEmailRecorder(objectStore(), join(dirname(local.dir), 'email-subscriptions')), consoleUrl, local: config.isLocal() };
  } else {
    throw new Error('set ALERTS_TOPIC_ARN (or LOCAL_OBJECTS_DIR locally)');
  }
  return providers;
}
