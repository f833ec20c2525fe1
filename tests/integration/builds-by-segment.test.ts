import type { ServerBuild } from '@remix-run/node';
import { matchRoutes, type RouteObject } from 'react-router-dom';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildsBySegment } from '../../server/builds-by-segment.js';
import { sourceServerBuild } from '../support/server-build.js';

/** The build's routes nested as Remix nests them, to match URLs as Remix does. */
function table(build: ServerBuild, parentId?: string): RouteObject[] {
  return Object.values(build.routes)
    .filter((r) => r.parentId === parentId)
    .map((r) => (r.index ? { id: r.id, path: r.path, index: true } : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: table(build, r.id) }));
}

const matched = (build: ServerBuild, pathname: string) => matchRoutes(table(build), pathname)?.map((m) => [m.route.id, m.params]) ?? null;

let build: ServerBuild;
beforeAll(async () => {
  build = await sourceServerBuild();
});

describe('the route table Remix matches a URL against (decision 0049)', () => {
  it('gives every URL the same routes and params as the whole build, for every route of the app and odd paths', () => {
    const buildFor = buildsBySegment(build);
    const full = (id: string): string => {
      const r = build.routes[id];
      return [r.parentId ? full(r.parentId) : '', r.path ?? ''].filter(Boolean).join('/');
    };
    const paths = Object.keys(build.routes).map((id) => `/${full(id).replace(/:[^/]+/g, 'x1').replace(/\*/g, 'a/b')}`);
    paths.push('/', '/nope', '/SERVICES', '/%73ervices/passport', '/services/', '//services', '/desk/nope/deeper', '/__manifest', '/%E0%A4%A');
    for (const p of paths) expect(matched(buildFor(p), p), p).toEqual(matched(build, p));
  });

  it('keeps far fewer routes for a page than the whole table, and the whole build for route discovery', () => {
    const buildFor = buildsBySegment(build);
    const all = Object.keys(build.routes).length;
    expect(Object.keys(buildFor('/services/passport').routes).length).toBeLessThan(all / 4);
    expect(Object.keys(buildFor('/services/passport').assets.routes)).toEqual(Object.keys(buildFor('/services/passport').routes));
    expect(buildFor('/__manifest')).toBe(build);
    expect(buildFor('/services')).toBe(buildFor('/services/passport'));
  });
});
