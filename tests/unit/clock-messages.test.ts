import { describe, expect, it } from 'vitest';
import { resources, SUPPORTED_LANGUAGES } from '../../locales/index.js';

/**
 * The clock's own messages (services/clock-rules/): a text for SMS and for e-mail in every
 * language, naming only what the sweep puts in the message's params (officeCode reads as
 * {{office}}), so nothing renders blank.
 */
const PARAMS = {
  supplementReminder: ['applicationNumber', 'noticeNumber', 'deadline'],
  overdueAlert: ['applicationNumber', 'dueDate', 'office'],
} as const;

describe('clock messages', () => {
  for (const [template, params] of Object.entries(PARAMS)) {
    it(`${template} has its texts in every language, with the sweep's params`, () => {
      for (const lng of SUPPORTED_LANGUAGES) {
        const texts = (resources[lng].messages as unknown as Record<string, Record<string, string>>)[template];
        expect(Object.keys(texts).sort()).toEqual(['emailBody', 'emailSubject', 'sms']);
        for (const text of Object.values(texts)) {
          const used = [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
          expect(used.filter((p) => !(params as readonly string[]).includes(p))).toEqual([]);
          expect(used).toContain('applicationNumber');
        }
      }
    });
  }
});
