import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Remix's flat routes nest `a.b.tsx` inside `a.tsx` when both exist. A parent without an
 * <Outlet /> then renders itself instead of its child (as `login.totp` once did under `login`).
 */
const dir = path.resolve(__dirname, '../../app/routes');
const files = fs.readdirSync(dir).filter((f) => /\.(tsx?|jsx?)$/.test(f));
const routeId = (f: string) => f.replace(/\.(tsx?|jsx?)$/, '');

describe('route nesting', () => {
  it('every route that has a parent route file renders through an <Outlet />', () => {
    const ids = new Set(files.map(routeId));
    const problems: string[] = [];
    for (const f of files) {
      const segments = routeId(f).split('.');
      for (let i = 1; i < segments.length; i++) {
        const parent = segments.slice(0, i).join('.');
        if (!ids.has(parent)) continue;
        const parentFile = files.find((x) => routeId(x) === parent)!;
        if (!fs.readFileSync(path.join(dir, parentFile), 'utf8').includes('<Outlet')) problems.push(`${f} is nested in ${parentFile}, which has no <Outlet />`);
      }
    }
    expect(problems).toEqual([]);
  });
});
