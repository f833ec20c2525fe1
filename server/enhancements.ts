import fs from 'node:fs';
import path from 'node:path';
import type { Enhancements } from '../app/load-context.js';

/**
 * The URLs of the pages' own small scripts, from the manifest scripts/build-enhancements.ts wrote
 * beside them (decision 0046). Read once at start. A build without them (`remix build` alone) is
 * not an error: the pages that would load them work without JavaScript, and the server says so.
 */
export function readEnhancements(assetsDir: string): Enhancements {
  const file = path.join(assetsDir, 'enhance', 'manifest.json');
  if (!fs.existsSync(file)) {
    console.warn(`onewindow: no ${path.relative(process.cwd(), file)} (run \`npm run build\`): the apply form works without its script`);
    return {};
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Enhancements;
}
