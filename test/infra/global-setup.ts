import { bundleFunctions } from '../../bin/bundle.js';
import { ensureConsoleBuilt } from '../../local/console-build.js';

/** The stack deploys prebuilt bundles (dist/functions) and the built console (web/dist): build them once per run. */
export default async function setup(): Promise<void> {
  await Promise.all([bundleFunctions(), ensureConsoleBuilt()]);
}
