import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnhancements } from '../../scripts/build-enhancements.js';
import { clientFiles, serverModuleReason, serverModulesIn } from '../../scripts/client-build.js';

/**
 * No server module in any browser chunk (decision 0029). The production client build, with
 * source maps so every module that put code into a chunk is named; a module of ours that imports
 * the database, node built-ins or secrets, or any server-only package, fails the build check.
 * The pages' own scripts (decision 0046) are built beside the chunks, as `npm run build` does, and
 * checked alike.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = path.join(root, 'build', `.client-bundle-${process.pid}`);
const assets = path.join(buildDir, 'public');

beforeAll(async () => {
  await promisify(execFile)(path.join(root, 'node_modules/.bin/remix'), ['build', '--sourcemap'], {
    cwd: root,
    env: { ...process.env, REMIX_BUILD_DIR: path.relative(root, buildDir), NODE_ENV: 'production' },
  });
  await buildEnhancements(assets, { sourcemap: true });
}, 120_000);

afterAll(() => fs.rmSync(buildDir, { recursive: true, force: true }));

describe('the client build', () => {
  it('has no server module in any chunk', () => {
    const { offences, modules } = serverModulesIn(assets, root);
    // The check read real chunks: the routes' own modules are among what it judged.
    expect(clientFiles(assets).length).toBeGreaterThan(10);
    expect(modules).toBeGreaterThan(50);
    expect(offences.map((o) => `${o.chunk}: ${o.module} (${o.why})`)).toEqual([]);
  });

  it('checks the apply form’s own script too: the definitions’ rules are in it, nothing of the server', () => {
    const script = clientFiles(assets).find((f) => /\/enhance\/apply-form-[A-Z0-9]+\.js$/.test(f));
    expect(script).toBeDefined();
    const sources = (JSON.parse(fs.readFileSync(`${script}.map`, 'utf8')) as { sources: string[] }).sources;
    expect(sources.some((s) => s.endsWith('services/catalog/types.ts'))).toBe(true);
    expect(sources.some((s) => /node_modules\/(react|react-dom|@remix-run)\//.test(s))).toBe(false);
  });

  it('would flag the server modules it is there to catch', () => {
    const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
    for (const f of ['services/queue/desk.ts', 'services/review/notice.ts', 'services/calendar/working-days.ts', 'services/reference-cache.ts']) {
      expect(serverModuleReason(f, read(f)), f).not.toBeNull();
    }
    expect(serverModuleReason('db/schema/applications.ts', read('db/schema/applications.ts'))).not.toBeNull();
    expect(serverModuleReason('node_modules/drizzle-orm/pg-core/table.js', '')).not.toBeNull();
    expect(serverModuleReason('node_modules/pg/lib/client.js', '')).not.toBeNull();
    expect(serverModuleReason('app/utils/session.server.ts', read('app/utils/session.server.ts'))).not.toBeNull();
    expect(serverModuleReason('empty-module:~/utils/session.server', '')).toBeNull();
    // What browsers legitimately share with the server: schemas and pure rules.
    for (const f of ['services/review/schemas.ts', 'services/queue/desk-tabs.ts', 'services/applications/status-machine.ts', 'app/components/desk/desk-tabs.tsx']) {
      expect(serverModuleReason(f, read(f)), f).toBeNull();
    }
  });
});
