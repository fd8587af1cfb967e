import { bundleFunctions } from '../../bin/bundle.js';

/** The stack deploys prebuilt bundles (dist/functions): build them once per run, not once per file. */
export default async function setup(): Promise<void> {
  await bundleFunctions();
}
