import { createElement, type ComponentType } from 'react';
import { createInstance } from 'i18next';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server';
import { i18nConfig } from '../../app/i18n.js';
import { resources } from '../../locales/index.js';

/**
 * Renders a route's `Component` at `path` from its real loader (and action) responses, as a
 * browser without JavaScript receives it after a GET (or a POST), in the given language.
 */
export async function renderRoute(Component: ComponentType, path: string, loaderRes: Response, actionRes?: Response, lng = 'zh-CN'): Promise<string> {
  const loaderData = await loaderRes.json();
  const actionData = actionRes ? await actionRes.json() : undefined;
  const handler = createStaticHandler([{ id: 'page', path: path.split('?')[0], loader: () => loaderData, action: () => actionData ?? null, Component }]);
  const request = new Request(`http://localhost${path}`, actionRes ? { method: 'POST', body: new URLSearchParams() } : undefined);
  const context = await handler.query(request);
  if (context instanceof Response) throw new Error(`unexpected redirect ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources });
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })));
}

/** What a reader sees of rendered markup: tags gone, React's entities decoded, white space folded. */
export const visibleText = (html: string) =>
  html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
