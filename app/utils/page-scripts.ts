/**
 * Which pages load JavaScript (decision 0044). A citizen's or visitor's page is a server-rendered
 * document that works without it (every form posts, every message is rendered by the server), so
 * the root layout sends it without `<Scripts/>` (the modulepreloads, the entry, the route data),
 * `<ScrollRestoration/>` and the translation preloads: nothing to download, parse or hydrate on a
 * low-end phone. Staff pages keep hydrating. A route says so in its `handle`:
 *
 *   export const handle = { i18n: [...], scripts: false };
 *
 * or, where only some of its pages gain from JavaScript, a function of its loader's data. A route
 * that says nothing hydrates (staff pages). An error page loads no script whichever route failed:
 * the root error boundary is a message and a link.
 */
export type Scripts = boolean | ((data: unknown) => boolean);

type Match = { handle?: unknown; data?: unknown };

/** The handle of a page that never loads JavaScript. */
export const NO_SCRIPTS = { scripts: false } as const;

function says(match: Match): boolean | undefined {
  const scripts = (match.handle as { scripts?: Scripts } | undefined)?.scripts;
  if (typeof scripts === 'function') return scripts(match.data);
  return scripts;
}

/**
 * Whether the page of these matched routes loads JavaScript: not when any of them says no, nor on an
 * error page. In the browser the answer is always yes: JavaScript is running (a staff page that went
 * on to a citizen page client-side), and unmounting Remix's scripts would gain nothing.
 */
export function pageLoadsScripts(matches: readonly Match[], error: unknown): boolean {
  if (typeof document !== 'undefined') return true;
  if (error !== undefined && error !== null) return false;
  return !matches.some((m) => says(m) === false);
}
