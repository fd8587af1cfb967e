import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { BUNDLE_DIR, FUNCTION_ENTRIES } from '#shared/functions.js';

/**
 * Bundles every Lambda function with esbuild (no Docker): one ESM file per function, for the
 * nodejs22.x runtime on arm64. CDK deploys these files; tests bundle once per run.
 * The AWS SDK v3 is bundled in, not taken from the runtime: one minified file initialises in half
 * the time of the SDK's many files (measured by npm run bench:coldstart), and the function runs
 * the SDK version the tests ran.
 */
/**
 * zod's namespace export carries all 64 of its locales (about 260 KiB minified), which no tree
 * shaking can drop. The API speaks English, so its locale index resolves to English alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

export async function bundleFunctions(root = fileURLToPath(new URL('..', import.meta.url))) {
  const outRoot = join(root, BUNDLE_DIR);
  rmSync(outRoot, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  await Promise.all(
    Object.entries(FUNCTION_ENTRIES).map(async ([name, entry]) => {
      const outfile = join(outRoot, name, 'index.mjs');
      mkdirSync(join(outRoot, name), { recursive: true });
      await build({
        absWorkingDir: root,
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        minify: true,
        sourcemap: 'linked',
        legalComments: 'none',
        // Prefer the ES module builds, which tree-shake far better than the CommonJS ones.
        mainFields: ['module', 'main'],
        plugins: [zodEnglishOnly],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
        logLevel: 'warning',
      });
      sizes[name] = statSync(outfile).size;
    }),
  );
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await bundleFunctions();
  for (const [name, bytes] of Object.entries(sizes).sort()) console.log(`${name.padEnd(12)} ${(bytes / 1024).toFixed(1)} KiB`);
}
