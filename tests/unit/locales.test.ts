import { describe, expect, it } from 'vitest';
import { localeProblems } from '../../scripts/i18n-check.js';

describe('locales', () => {
  it('zh-CN and en carry the same non-empty keys', () => {
    expect(localeProblems()).toEqual([]);
  });
});
