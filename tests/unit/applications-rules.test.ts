import { describe, expect, it } from 'vitest';
import { resources } from '../../locales/index.js';
import { formatApplicationNumber } from '../../services/applications/numbers.js';
import { APPLICATION_STATUSES } from '../../services/applications/status-machine.js';
import { priorityOf } from '../../services/applications/submit.js';
import { CITIZEN_VISIBLE_ACTIONS } from '../../services/applications/read.js';
import { getService, SERVICES } from '../../services/catalog/index.js';
import { mostSpecificMatch, type OfficeRow } from '../../services/offices/offices.js';
import { contentDisposition } from '../../app/routes/files.$id.js';

describe('application rules', () => {
  it('numbers applications GA + China date + at least six sequence digits', () => {
    expect(formatApplicationNumber('2026-11-23', 42)).toBe('GA20261123000042');
    expect(formatApplicationNumber('2026-11-23', '1234567')).toBe('GA202611231234567');
  });

  it('takes the definition’s priority, else derives it from the committed limit', () => {
    expect(priorityOf(getService('temporary-id-card'))).toBe(2);
    const base = getService('temporary-id-card');
    const derive = (days: number) => priorityOf({ ...base, priority: undefined, timeLimits: { statutory: null, committedWorkingDays: days } });
    expect([derive(0), derive(3), derive(20)]).toEqual([3, 2, 1]);
  });

  it('picks the office with the most specific prefix', () => {
    const office = (code: string, regionPrefixes: string[]) => ({ code, regionPrefixes }) as OfficeRow;
    const offices = [office('city', ['1101']), office('district', ['110101']), office('other', ['3101'])];
    expect(mostSpecificMatch(offices, '110101', (o) => o.regionPrefixes)?.code).toBe('district');
    expect(mostSpecificMatch(offices, '110105', (o) => o.regionPrefixes)?.code).toBe('city');
    expect(mostSpecificMatch(offices, '440101', (o) => o.regionPrefixes)).toBeNull();
  });

  it('has a label for every status and every citizen-visible timeline action, in both languages', () => {
    for (const lng of ['zh-CN', 'en'] as const) {
      const ns = resources[lng].applications as unknown as {
        status: Record<string, string>;
        timeline: Record<string, Record<string, string>>;
      };
      for (const s of APPLICATION_STATUSES) expect(ns.status[s], `${lng} status.${s}`).toBeTruthy();
      for (const a of CITIZEN_VISIBLE_ACTIONS) {
        const [group, key] = a.split('.');
        expect(ns.timeline[group]?.[key], `${lng} timeline.${a}`).toBeTruthy();
      }
    }
  });

  it('has next-step texts for every handling mode used in the catalog', () => {
    for (const def of SERVICES) {
      for (const lng of ['zh-CN', 'en'] as const) {
        const steps = (resources[lng].applications as unknown as { receipt: { nextSteps: Record<string, string> } }).receipt.nextSteps;
        expect(steps[def.handling.mode], `${lng} ${def.handling.mode}`).toBeTruthy();
      }
    }
  });

  it('names downloads safely: ASCII fallback plus the exact UTF-8 name', () => {
    expect(contentDisposition('户口簿.pdf')).toBe(`attachment; filename="___.pdf"; filename*=UTF-8''%E6%88%B7%E5%8F%A3%E7%B0%BF.pdf`);
    // Line breaks are dropped from the name (validation/text.ts), quotes replaced in the fallback.
    expect(contentDisposition('a"b\r\n.pdf')).toBe(`attachment; filename="a_b.pdf"; filename*=UTF-8''a%22b.pdf`);
  });
});
