import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureConsoleBuilt } from '../../local/console-build.js';
import { DEMO_BILLING_END_DATE, DEMO_PASSWORD } from './constants.js';

declare module 'vitest' {
  export interface ProvidedContext {
    consoleUrl: string;
    e2eDemoPassword: string;
    e2eDemoBillingEndDate: string;
  }
}

/** Builds the console, then starts the real local platform (in a child process) that serves it. */
export default async function setup(project: TestProject) {
  await ensureConsoleBuilt();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./platform.child.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the e2e platform did not start within 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`the e2e platform exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve(line.slice(6).trim());
    });
  });
  project.provide('consoleUrl', url);
  project.provide('e2eDemoPassword', DEMO_PASSWORD);
  project.provide('e2eDemoBillingEndDate', DEMO_BILLING_END_DATE);
  return async () => {
    lines.close();
    if (child.exitCode !== null) return;
    // The child stops DynamoDB Local's JVM and cognito-local before it exits.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}
