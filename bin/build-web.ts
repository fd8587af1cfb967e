import { ensureConsoleBuilt } from '#local/console-build.js';

/** `npm run build:web`: builds the console into web/dist (skipped when the sources have not changed; --force rebuilds). */
const { built, ms } = await ensureConsoleBuilt({ force: process.argv.includes('--force'), log: console.log });
if (!built) console.log(`[console] web/dist is up to date (${ms} ms)`);
