import type { SubmissionResult } from '@conform-to/react';

/**
 * What a desk action answers when a form fails: which form (intent, and the material for a
 * verdict) and conform's result. The review page has many forms; each shows only its own result.
 */
export type DeskActionData = { intent: string; key?: string; lastResult: SubmissionResult<string[]> };

export function resultFor(data: unknown, intent: string, key?: string): SubmissionResult<string[]> | undefined {
  if (!data || typeof data !== 'object' || !('intent' in data)) return undefined;
  const d = data as DeskActionData;
  return d.intent === intent && (key === undefined || d.key === key) ? d.lastResult : undefined;
}
