/** One judged material as the clerk's one judging form sends it: [code, verdict ('' = left blank), reason, note]. */
export type Judged = readonly [materialCode: string, verdict: string, reasonCode?: string, note?: string];

/** The fields of the review page's one judging form (intent "judge"), as the browser posts them. */
export function judgeFields(leaseVersion: number | string, items: readonly Judged[]): Record<string, string> {
  const fields: Record<string, string> = { intent: 'judge', leaseVersion: String(leaseVersion) };
  items.forEach(([materialCode, verdict, reasonCode, note], i) => {
    fields[`items[${i}].materialCode`] = materialCode;
    if (verdict) fields[`items[${i}].verdict`] = verdict;
    fields[`items[${i}].reasonCode`] = reasonCode ?? '';
    fields[`items[${i}].note`] = note ?? '';
  });
  return fields;
}
