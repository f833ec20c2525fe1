/**
 * Builds the pages' own small scripts (decision 0046): plain-DOM progressive enhancement for pages
 * that load no React or Remix runtime (decision 0044). Each entry is bundled with esbuild (the
 * compiler Remix itself runs on) into <assets>/enhance/<name>-<HASH>.js, content-hashed so it can
 * be cached forever like the rest of /build, and named in <assets>/enhance/manifest.json, which
 * the server reads at start (server/enhancements.ts). Runs after `remix build` (`npm run build`);
 * REMIX_BUILD_DIR moves the assets as remix.config.js does.
 *
 * The bundle check (tests/integration/client-bundle.test.ts) builds them with source maps and holds
 * them to the rule of the chunks: no server module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Name in the manifest (and in OneWindowContext['enhancements']) → entry module. */
export const ENHANCEMENT_ENTRIES = { applyForm: 'app/enhance/apply-form.ts' } as const;

export type EnhancementManifest = Record<keyof typeof ENHANCEMENT_ENTRIES, string>;

export function assetsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(root, env.REMIX_BUILD_DIR ? `${env.REMIX_BUILD_DIR}/public` : 'public/build');
}

/**
 * How every page script is bundled: for browsers, minified, and without zod (the definitions'
 * schemas are built only on the server; their conditions need none: app/enhance/without-zod.ts).
 * tests/integration/enhancement-rules.test.ts bundles the catalog with these same options.
 */
export const SCRIPT_OPTIONS = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  tsconfig: path.join(root, 'tsconfig.json'),
  alias: { zod: './app/enhance/without-zod.ts' },
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
} satisfies BuildOptions;

/**
 * Builds every entry into <assetsDir>/enhance and writes the manifest. With `sourcemap` each script
 * gets its .map beside it, as `remix build --sourcemap` gives the chunks: the bundle check reads both alike.
 */
export async function buildEnhancements(assetsDir: string, { sourcemap = false } = {}): Promise<{ manifest: EnhancementManifest }> {
  const outDir = path.join(assetsDir, 'enhance');
  fs.rmSync(outDir, { recursive: true, force: true });
  const manifest = {} as EnhancementManifest;
  for (const [name, entry] of Object.entries(ENHANCEMENT_ENTRIES) as [keyof typeof ENHANCEMENT_ENTRIES, string][]) {
    const result = await build({
      ...SCRIPT_OPTIONS,
      entryPoints: [entry],
      outdir: outDir,
      // esbuild's hash is of the output: a changed rule or definition gets a new URL, so /build stays cacheable forever.
      entryNames: '[name]-[hash]',
      sourcemap: sourcemap ? 'external' : false,
      metafile: true,
    });
    const script = Object.keys(result.metafile.outputs).find((f) => f.endsWith('.js'))!;
    manifest[name] = `/build/enhance/${path.basename(script)}`;
  }
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest));
  return { manifest };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { manifest } = await buildEnhancements(assetsDirectory());
  console.log(`enhancements: ${Object.values(manifest).join(', ')}`);
}
