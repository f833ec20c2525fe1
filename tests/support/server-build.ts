import path from 'node:path';
import { UNSAFE_flatRoutes as flatRoutes } from '@remix-run/dev';
import type { ServerBuild } from '@remix-run/node';
import remixConfig from '../../remix.config.js';

/**
 * The server build `remix build` would produce, assembled from the sources: the same route files
 * found the same way (flat routes under app/routes, remix.config's ignore list), the same entry
 * and future flags. Tests can then drive the real server (server/app.ts) over HTTP without a
 * build step. The client assets manifest is a stand-in: pages render, nothing hydrates.
 */
const appDirectory = path.resolve(__dirname, '../../app');

let cached: Promise<ServerBuild> | undefined;

export function sourceServerBuild(): Promise<ServerBuild> {
  cached ??= assemble();
  return cached;
}

async function assemble(): Promise<ServerBuild> {
  const files: Record<string, { path?: string; index?: boolean; parentId?: string; file: string }> = {
    root: { path: '', file: 'root.tsx' },
    ...flatRoutes(appDirectory, remixConfig.ignoredRouteFiles),
  };
  const routes: ServerBuild['routes'] = {};
  const assetRoutes: ServerBuild['assets']['routes'] = {};
  for (const [id, r] of Object.entries(files)) {
    const module = (await import(path.join(appDirectory, r.file))) as ServerBuild['routes'][string]['module'];
    const { parentId, index } = r;
    routes[id] = { id, parentId, path: r.path, index, caseSensitive: undefined, module };
    assetRoutes[id] = {
      id,
      parentId,
      path: r.path,
      index,
      caseSensitive: undefined,
      module: `/build/${id}.js`,
      hasAction: typeof module.action === 'function',
      hasLoader: typeof module.loader === 'function',
      hasClientAction: false,
      hasClientLoader: false,
      hasErrorBoundary: typeof module.ErrorBoundary === 'function',
    };
  }
  return {
    mode: 'production',
    entry: { module: (await import('../../app/entry.server.js')) as unknown as ServerBuild['entry']['module'] },
    routes,
    assets: { entry: { module: '/build/entry.client.js', imports: [] }, routes: assetRoutes, url: '/build/manifest.js', version: 'test' },
    publicPath: '/build/',
    assetsBuildDirectory: 'public/build',
    future: remixConfig.future as ServerBuild['future'],
    isSpaMode: false,
  };
}

/**
 * A build with extra page routes under root (path → loader; the page itself renders nothing), for
 * provoking from a test what no real route should do.
 */
export function withProbeRoutes(build: ServerBuild, probes: Record<string, ServerBuild['routes'][string]['module']['loader']>): ServerBuild {
  const routes = { ...build.routes };
  const assetRoutes = { ...build.assets.routes };
  for (const [routePath, loader] of Object.entries(probes)) {
    const id = `routes/${routePath.replace(/\//g, '.')}`;
    routes[id] = { id, parentId: 'root', path: routePath, index: undefined, caseSensitive: undefined, module: { loader, default: () => null } as ServerBuild['routes'][string]['module'] };
    assetRoutes[id] = {
      id,
      parentId: 'root',
      path: routePath,
      module: `/build/${id}.js`,
      hasAction: false,
      hasLoader: true,
      hasClientAction: false,
      hasClientLoader: false,
      hasErrorBoundary: false,
    };
  }
  return { ...build, routes, assets: { ...build.assets, routes: assetRoutes } };
}
