/**
 * `npm run bench:js`: the JavaScript a browser downloads for a full page load of each route, gzipped
 * (level 9, as a server or CDN would serve it): the entry and its imports, then root down to the
 * route, each module with its imports (scripts/client-build.ts reads the assets manifest). Builds the
 * production client into a directory of its own first. Goal (issue 17): citizen pages ≤ 80 KB.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeSizes } from '../scripts/client-build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GOAL_KB = 80;
/** Routes a citizen or an anonymous visitor loads; the rest are staff pages and resource routes. */
const STAFF = /^routes\/(desk|reports)/;
const RESOURCE = /^routes\/(files\.\$id|healthz|reports\.csv|logout|locales\.\$lng\.\$ns)$/;

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-js-size-'));
try {
  execFileSync(path.join(root, 'node_modules/.bin/remix'), ['build'], {
    cwd: root,
    env: { ...process.env, REMIX_BUILD_DIR: path.relative(root, out), NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const kb = (n: number) => (n / 1024).toFixed(1);
  const rows = routeSizes(path.join(out, 'public')).filter((r) => r.routeId !== 'root' && !RESOURCE.test(r.routeId));
  let worst = 0;
  console.log(`${'route'.padEnd(44)} ${'who'.padEnd(8)} ${'files'.padStart(5)} ${'raw KB'.padStart(8)} ${'gzip KB'.padStart(8)}`);
  for (const r of rows.sort((a, b) => a.routeId.localeCompare(b.routeId))) {
    const who = STAFF.test(r.routeId) ? 'staff' : 'citizen';
    if (who === 'citizen') worst = Math.max(worst, r.gzip);
    console.log(`${r.routeId.padEnd(44)} ${who.padEnd(8)} ${String(r.files).padStart(5)} ${kb(r.raw).padStart(8)} ${kb(r.gzip).padStart(8)}`);
  }
  console.log(`\nlargest citizen page: ${kb(worst)} KB gzipped; goal ≤ ${GOAL_KB} KB ${worst <= GOAL_KB * 1024 ? '✓' : '✗'}`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
