import type { ServerBuild } from '@remix-run/node';

/**
 * The build as Remix sees it for one URL: only the routes that could match a path whose first
 * segment is the URL's (decision 0049). Remix (@remix-run/router 1.x) matches a page's URL three
 * times — to find its params, in the static handler, and again while rendering — and every time it
 * flattens and ranks the whole route table and compiles a pattern for each route it tries: with
 * 61 routes that was a fifth of a page's CPU. A route whose path starts with another literal
 * segment can never match, so leaving it out changes no answer (the ranking of those that remain
 * is the same), only the work. Built once per first segment, and only for literal first segments
 * of the app's own routes, so their number is bounded by the route table, not by what clients send.
 *
 * What stays in every table: the root, routes whose path starts with a parameter, an optional
 * segment or a splat, index and pathless routes at the top, and the ancestors of whatever stays.
 * `/__manifest` (lazy route discovery: the browser asks which routes a link leads to) gets the
 * whole build, as does a path whose first segment cannot be decoded.
 */
export function buildsBySegment(build: ServerBuild): (pathname: string) => ServerBuild {
  const fullPath = new Map<string, string>();
  const pathOf = (id: string): string => {
    let p = fullPath.get(id);
    if (p === undefined) {
      const route = build.routes[id];
      const parent = route.parentId ? pathOf(route.parentId) : '';
      p = [parent, route.path ?? ''].filter(Boolean).join('/');
      fullPath.set(id, p);
    }
    return p;
  };
  /** The route's first segment when it is literal (lower-cased: matching ignores case unless told), else null: it may match any. */
  const literalFirst = (id: string): string | null => {
    const first = pathOf(id).replace(/^\/+/, '').split('/')[0];
    if (!first || first.startsWith(':') || first === '*' || first.endsWith('?')) return null;
    return first.toLowerCase();
  };
  const segments = new Set(Object.keys(build.routes).map(literalFirst).filter((s): s is string => s !== null));

  const subset = (segment: string | null): ServerBuild => {
    const keep = new Set<string>();
    for (const id of Object.keys(build.routes)) {
      const first = literalFirst(id);
      if (first !== null && first !== segment) continue;
      for (let at: string | undefined = id; at && !keep.has(at); at = build.routes[at].parentId) keep.add(at);
    }
    const pick = <T,>(manifest: Record<string, T>) => Object.fromEntries(Object.entries(manifest).filter(([id]) => keep.has(id)));
    return { ...build, routes: pick(build.routes), assets: { ...build.assets, routes: pick(build.assets.routes) } };
  };

  const builds = new Map<string | null, ServerBuild>();
  const forSegment = (segment: string | null) => {
    let b = builds.get(segment);
    if (!b) builds.set(segment, (b = subset(segment)));
    return b;
  };
  return (pathname) => {
    if (pathname === '/__manifest') return build;
    let first: string;
    try {
      first = decodeURIComponent(pathname.replace(/^\/+/, '').split('/')[0]).toLowerCase();
    } catch {
      return build;
    }
    return forSegment(segments.has(first) ? first : null);
  };
}
