import { createHash } from 'node:crypto';
import { NAMESPACES, resources, type Language } from '#locales/index';

/**
 * One namespace of one language as the browser fetches it (decision 0029): /locales/:lng/:ns?v=…,
 * where v is a digest of every string, so a bundle can be cached for a year and a deploy that
 * changes any string changes every URL.
 */
export const LOCALES_VERSION = createHash('sha256').update(JSON.stringify(resources)).digest('base64url').slice(0, 12);

export const bundleHref = (lng: Language, ns: string) => `/locales/${lng}/${ns}?v=${LOCALES_VERSION}`;

/** The namespaces asked for, in the one order every page lists them. */
export const inNamespaceOrder = (names: Iterable<string>): string[] => {
  const wanted = new Set(names);
  return NAMESPACES.filter((ns) => wanted.has(ns));
};
