/**
 * Reads a Remix client build (public/build or REMIX_BUILD_DIR/public): the assets manifest, the
 * files each route loads on a full page load (entry + its imports, then root down to the route,
 * each with its imports), and what the browser would download of them gzipped. One reader for the
 * bundle check (tests/integration/client-bundle.test.ts) and the size bench (bench/js-size.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: string; imports?: string[] };
export type ClientManifest = { entry: { module: string; imports: string[] }; routes: Record<string, ManifestRoute> };

export function readManifest(assetsDir: string): ClientManifest {
  const file = fs.readdirSync(assetsDir).find((f) => /^manifest-[A-Z0-9]+\.js$/.test(f));
  if (!file) throw new Error(`no manifest-*.js in ${assetsDir}: run \`npm run build\` first`);
  const text = fs.readFileSync(path.join(assetsDir, file), 'utf8');
  return JSON.parse(text.replace(/^window\.__remixManifest=/, '').replace(/;\s*$/, '')) as ClientManifest;
}

/** Every file a full page load of the route fetches, as URLs under /build/. */
export function routeFiles(manifest: ClientManifest, routeId: string): string[] {
  const chain: ManifestRoute[] = [];
  for (let r: ManifestRoute | undefined = manifest.routes[routeId]; r; r = r.parentId ? manifest.routes[r.parentId] : undefined) chain.unshift(r);
  const files = new Set<string>([manifest.entry.module, ...manifest.entry.imports]);
  for (const r of chain) for (const f of [r.module, ...(r.imports ?? [])]) files.add(f);
  return [...files];
}

/** The file a /build/… URL names, in the assets directory. */
export function fileOf(assetsDir: string, url: string): string {
  return path.join(assetsDir, url.replace(/^\/build\//, ''));
}

const gzipped = new Map<string, number>();
export function gzipSize(file: string): number {
  let n = gzipped.get(file);
  if (n === undefined) gzipped.set(file, (n = gzipSync(fs.readFileSync(file), { level: 9 }).length));
  return n;
}

export type RouteSize = { routeId: string; files: number; raw: number; gzip: number };

export function routeSizes(assetsDir: string): RouteSize[] {
  const manifest = readManifest(assetsDir);
  return Object.keys(manifest.routes).map((routeId) => {
    const files = routeFiles(manifest, routeId).map((u) => fileOf(assetsDir, u));
    return {
      routeId,
      files: files.length,
      raw: files.reduce((s, f) => s + fs.statSync(f).size, 0),
      gzip: files.reduce((s, f) => s + gzipSize(f), 0),
    };
  });
}

/** Every JavaScript file of the client build, recursively. */
export function clientFiles(assetsDir: string): string[] {
  return (fs.readdirSync(assetsDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => path.join(assetsDir, f));
}

/**
 * What must never reach a browser: the database (drizzle, pg, PGlite, the schema), node built-ins,
 * password hashing and second-factor secrets, and any module of ours that imports one of them or
 * sits in db/ or server/. Judged from the build's source maps (`remix build --sourcemap`), which
 * name every module that put code into a chunk, and from the chunks' own import specifiers.
 */
const SERVER_PACKAGES = /(^|\/)node_modules\/(drizzle-orm|drizzle-kit|pg|pg-[a-z-]+|postgres-[a-z-]+|@electric-sql\/pglite|@node-rs\/[^/]+|@epic-web\/totp|pg-boss|msw|express|file-type|@remix-run\/node|@remix-run\/express)\//;
const SERVER_DIRS = /^(db|server)\//;
const SECRET_MODULES = /(^|\/)services\/(security|auth\/(totp|sessions|passwords?))(\/|\.ts$)|secret-box|\.server\.[jt]sx?$/;
const SERVER_IMPORT = /\bfrom\s*['"](drizzle-orm[^'"]*|pg|#db\/[^'"]*|(\.\.?\/)+db\/[^'"]*|node:[^'"]+|@node-rs\/[^'"]+|@electric-sql\/pglite[^'"]*)['"]/;

export type Offence = { chunk: string; module: string; why: string };

/**
 * Why a module that put code into a client chunk is server code, or null. `file` is relative to
 * the project's root (or an `empty-module:` stub).
 */
export function serverModuleReason(file: string, content: string | null | undefined): string | null {
  // Remix stands an empty module in for each `.server` import: that stub is the mechanism working.
  if (file.startsWith('empty-module:')) return null;
  if (SERVER_PACKAGES.test(file)) return 'server-only package';
  if (SERVER_DIRS.test(file)) return 'db/ or server/ module';
  if (SECRET_MODULES.test(file)) return 'secrets or .server module';
  if (!file.includes('node_modules/') && content && SERVER_IMPORT.test(content)) return `imports ${SERVER_IMPORT.exec(content)![1]}`;
  return null;
}

export function serverModulesIn(assetsDir: string, projectRoot: string): { offences: Offence[]; modules: number } {
  const offences: Offence[] = [];
  let modules = 0;
  for (const chunk of clientFiles(assetsDir)) {
    const code = fs.readFileSync(chunk, 'utf8');
    const node = /(?:from|import)\s*\(?\s*["'](node:[^"']+)["']/.exec(code);
    if (node) offences.push({ chunk, module: node[1], why: 'node: import in the chunk' });
    const mapFile = `${chunk}.map`;
    // The assets manifest is data the compiler writes, from no module.
    if (/(^|\/)manifest-[A-Z0-9]+\.js$/.test(chunk)) continue;
    if (!fs.existsSync(mapFile)) throw new Error(`${mapFile} is missing: build with --sourcemap`);
    const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    map.sources.forEach((source, i) => {
      modules++;
      const file = source.includes(':') ? source : path.relative(projectRoot, path.resolve(path.dirname(mapFile), source)).split(path.sep).join('/');
      const why = serverModuleReason(file, map.sourcesContent?.[i]);
      if (why) offences.push({ chunk: path.relative(assetsDir, chunk), module: file, why });
    });
  }
  return { offences, modules };
}
