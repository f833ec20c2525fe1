/**
 * The languages and namespaces, without the strings: browser code imports this, and must not pull
 * in every namespace of both languages (locales/index.ts); the browser fetches only what a page
 * needs (decision 0029). locales/index.ts checks that its resources have exactly these namespaces.
 */
export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';
export const NAMESPACES = [
  'common',
  'errors',
  'validation',
  'auth',
  'catalog',
  'applications',
  'desk',
  'notice',
  'integrations',
  'reports',
  'ratings',
  'documents',
  'messages',
  'adminCatalog',
  'admin',
  'verify',
  'appointments',
  'payments',
] as const;
export type Namespace = (typeof NAMESPACES)[number];
