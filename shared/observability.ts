import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Logger and metrics singletons (one per container). The service name comes from
 * POWERTOOLS_SERVICE_NAME, which CDK sets per domain function.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cloudoptima' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CloudOptima',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cloudoptima',
});
