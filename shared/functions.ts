import { DOMAINS } from './http/route.js';

/**
 * Every Lambda function of the product and its entry file: read by the bundler (bin/bundle.ts) and
 * by CDK (lib/), so a function bundled is a function deployed.
 */
export const FUNCTION_ENTRIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(DOMAINS.map((domain) => [domain, `functions/${domain}/handler.ts`])),
  authorizer: 'functions/authorizer/handler.ts',
  smoke: 'functions/smoke/handler.ts',
  ingest: 'functions/billing/ingest/handler.ts',
  analyze: 'functions/analysis/workflow.ts',
  collect: 'functions/collect/workflow.ts',
  'collect-ec2': 'functions/collect/ec2.ts',
  'collect-services': 'functions/collect/services.ts',
  'billing-exports': 'functions/billing/exports-handler.ts',
  recommend: 'functions/recommendations/workflow.ts',
};

/** Where bin/bundle.ts writes each function's bundle (`<dir>/<name>/index.mjs`). */
export const BUNDLE_DIR = 'dist/functions';
