import type { TFunction } from 'i18next';

/**
 * Error strings travel from zod and services to the page as i18n keys, never as prose, so the
 * same submission can be shown in either language. Two shapes:
 *   'idNumber.checksum'       – a zod message: looked up in `validation`, then in `errors`;
 *   'errors:files.tooLarge'   – already namespaced (form-level DomainError codes): used as is.
 * Parameters, when a message needs them, ride along after a '|' as JSON (see encodeError).
 */
const PARAM_SEPARATOR = '|';

export function encodeError(key: string, params?: Record<string, string | number>): string {
  return params && Object.keys(params).length > 0 ? `${key}${PARAM_SEPARATOR}${JSON.stringify(params)}` : key;
}

function decodeError(raw: string): { key: string; params: Record<string, unknown> } {
  const at = raw.indexOf(PARAM_SEPARATOR);
  if (at < 0) return { key: raw, params: {} };
  try {
    return { key: raw.slice(0, at), params: JSON.parse(raw.slice(at + 1)) as Record<string, unknown> };
  } catch {
    return { key: raw.slice(0, at), params: {} };
  }
}

export function translateError(t: TFunction, raw: string): string {
  const { key, params } = decodeError(raw);
  const keys = key.includes(':') ? [key] : [`validation:${key}`, `errors:${key}`];
  return t(keys, { ...params, defaultValue: t('errors:badRequest') }) as string;
}
