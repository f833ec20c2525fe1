/**
 * Fails when the two languages do not carry the same keys, or when a key holds an empty
 * string. Plural suffixes (_one, _other…) are folded, since languages pluralise differently.
 * Also fails on two typographic slips a reader notices: ASCII , : ; ( ) beside Chinese text in
 * zh-CN (Chinese takes the full-width ，：；（）), and "(s)" in English, where a count takes
 * i18next plurals (key_one / key_other) instead.
 */
import { resources, SUPPORTED_LANGUAGES } from '../locales/index.js';

type Tree = { [k: string]: string | Tree };

function keys(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key.replace(/_(zero|one|two|few|many|other)$/, ''), v);
    else keys(v, key, out);
  }
  return out;
}

/** A CJK character or full-width sign, then (spaces and) an ASCII , : ; ( ) — or the other way round. */
const CJK = '[\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef]';
const ASCII_BESIDE_CJK = new RegExp(`${CJK}\\s*[,:;()]|[,:;()]\\s*${CJK}`);

export function localeProblems(): string[] {
  const problems: string[] = [];
  const [base, ...others] = SUPPORTED_LANGUAGES;
  const all = (lng: string) => {
    const m = new Map<string, string>();
    for (const [ns, tree] of Object.entries(resources[lng as keyof typeof resources])) {
      for (const [k, v] of keys(tree as Tree)) m.set(`${ns}:${k}`, v);
    }
    return m;
  };
  const baseKeys = all(base);
  for (const lng of others) {
    const k = all(lng);
    for (const key of baseKeys.keys()) if (!k.has(key)) problems.push(`missing in ${lng}: ${key}`);
    for (const key of k.keys()) if (!baseKeys.has(key)) problems.push(`missing in ${base}: ${key}`);
    for (const [key, v] of k) if (v.trim() === '') problems.push(`empty in ${lng}: ${key}`);
  }
  for (const [key, v] of baseKeys) if (v.trim() === '') problems.push(`empty in ${base}: ${key}`);
  for (const [key, v] of all('zh-CN')) if (ASCII_BESIDE_CJK.test(v)) problems.push(`ASCII punctuation beside Chinese in zh-CN (use ，：；（）): ${key}`);
  for (const [key, v] of all('en')) if (/\w\(s\)/.test(v)) problems.push(`"(s)" in en (use key_one / key_other): ${key}`);
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = localeProblems();
  if (problems.length > 0) {
    console.error(`Locale check failed (${problems.length}):\n  ${problems.slice(0, 50).join('\n  ')}`);
    process.exit(1);
  }
  console.log('Locales: both languages carry the same keys.');
}
