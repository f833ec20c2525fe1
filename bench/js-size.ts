/**
 * `npm run bench:js`: the JavaScript a browser downloads for a full page load of each route, gzipped
 * (level 9, as a server or CDN would serve it): the entry and its imports, then root down to the
 * route, each module with its imports (scripts/client-build.ts reads the assets manifest). Builds the
 * production client into a directory of its own first. Goal (issue 17): citizen pages ≤ 80 KB.
 * A route whose handle says `scripts: false` loads none (decision 0044): 0 KB, whatever its chunks
 * weigh; one that decides from its data (`scripts: (data) => …`) is counted at what it loads when
 * it hydrates, and marked so. A page with its own small script instead (handle.enhancement, decision
 * 0046: the apply form) is counted at that script, built here as `npm run build` builds it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { gzipSize, routeSizes } from '../scripts/client-build.js';
import { buildEnhancements } from '../scripts/build-enhancements.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GOAL_KB = 80;
/** Staff pages (the desk, reports, administration, activation); the rest are citizen or visitor pages and resource routes. */
const STAFF = /^routes\/(desk|reports|admin|activate)(\.|_|$)/;

// Under the project (never the app's build/ or public/build), so the server build it imports finds node_modules.
const out = path.join(root, 'build', `.js-size-${process.pid}`);
try {
  execFileSync(path.join(root, 'node_modules/.bin/remix'), ['build'], {
    cwd: root,
    env: { ...process.env, REMIX_BUILD_DIR: path.relative(root, out), NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const { manifest } = await buildEnhancements(path.join(out, 'public'));
  // What each route's handle says about scripts, read from the server build of the same run.
  const build = (await import(pathToFileURL(path.join(out, 'index.js')).href)) as ServerBuild;
  const handleOf = (routeId: string) => build.routes[routeId]?.module.handle as { scripts?: unknown; enhancement?: keyof typeof manifest } | undefined;
  const scriptsOf = (routeId: string): 'yes' | 'no' | 'by data' | 'own' => {
    const handle = handleOf(routeId);
    if (handle?.enhancement) return 'own';
    return handle?.scripts === false ? 'no' : typeof handle?.scripts === 'function' ? 'by data' : 'yes';
  };
  /** A page's own script (decision 0046), in place of React and Remix: the file it loads. */
  const ownScript = (routeId: string) => {
    const url = manifest[handleOf(routeId)!.enhancement!];
    const file = path.join(out, 'public', url.replace(/^\/build\//, ''));
    return { files: 1, raw: fs.statSync(file).size, gzip: gzipSize(file) };
  };
  const kb = (n: number) => (n / 1024).toFixed(1);
  // Pages only: a resource route (a PDF, a callback, the translation bundles) renders no document.
  const isPage = (routeId: string) => typeof build.routes[routeId]?.module.default === 'function';
  const rows = routeSizes(path.join(out, 'public')).filter((r) => r.routeId !== 'root' && isPage(r.routeId));
  let worst = { gzip: 0, routeId: '' };
  const over: string[] = [];
  // The last column: what the page would load if it hydrated (its chunks), for comparison.
  console.log(`${'route'.padEnd(44)} ${'who'.padEnd(8)} ${'loads JS'.padEnd(8)} ${'files'.padStart(5)} ${'raw KB'.padStart(8)} ${'gzip KB'.padStart(8)} ${'if hydrated'.padStart(11)}`);
  for (const r of rows.sort((a, b) => a.routeId.localeCompare(b.routeId))) {
    const who = STAFF.test(r.routeId) ? 'staff' : 'citizen';
    const js = scriptsOf(r.routeId);
    // A page without <Scripts/> downloads none of its chunks.
    const size = js === 'no' ? { files: 0, raw: 0, gzip: 0 } : js === 'own' ? ownScript(r.routeId) : r;
    if (who === 'citizen' && size.gzip > worst.gzip) worst = { gzip: size.gzip, routeId: r.routeId };
    if (who === 'citizen' && size.gzip > GOAL_KB * 1024) over.push(r.routeId);
    console.log(`${r.routeId.padEnd(44)} ${who.padEnd(8)} ${js.padEnd(8)} ${String(size.files).padStart(5)} ${kb(size.raw).padStart(8)} ${kb(size.gzip).padStart(8)} ${kb(r.gzip).padStart(11)}`);
  }
  const met = worst.gzip <= GOAL_KB * 1024;
  console.log(`\nlargest citizen page: ${kb(worst.gzip)} KB gzipped (${worst.routeId || 'none loads JavaScript'}); goal ≤ ${GOAL_KB} KB ${met ? '✓' : '✗'}`);
  if (!met) console.log(`citizen pages over the goal: ${over.join(', ')}`);
  process.exitCode = met ? 0 : 1;
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
