#!/usr/bin/env node
/**
 * Adds lockfile entries for optional, platform-specific packages that npm left out.
 *
 * Why: the registry this project is built against carries only the Linux builds of packages such
 * as @rollup/rollup-darwin-arm64. npm then writes a lockfile without the other platforms'
 * entries, and `npm ci` refuses that lockfile as out of sync with package.json. An entry that
 * names the package's platform is all npm needs: on any other platform it skips the package
 * without fetching it. Run after `npm install` changes the lockfile: `npm run lock:complete`.
 */
import fs from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'netbsd', 'sunos', 'aix', 'win32', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'arm'];
const ARM_ABI = ['eabi', 'gnueabihf', 'musleabihf'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.some((p) => ARM_ABI.includes(p)) ? 'arm' : undefined);
  if (!os || !cpu) return null;
  const libc = parts.some((p) => p.startsWith('musl')) ? ['musl'] : parts.some((p) => p.startsWith('gnu')) ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

const added = [];
for (const [key, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${key ? `${key}/` : ''}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (packages[nested] || packages[top]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.error(`complete-lockfile: cannot tell the platform of ${dep} (optional dependency of ${key}); add it by hand`);
      process.exit(1);
    }
    packages[top] = { version, ...platform, optional: true, ...(meta.dev ? { dev: true } : {}) };
    added.push(`${dep}@${version}`);
  }
}

if (added.length > 0) {
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  lock.packages = sorted;
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`complete-lockfile: ${added.length} platform entr${added.length === 1 ? 'y' : 'ies'} added`);
