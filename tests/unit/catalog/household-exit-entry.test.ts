import { describe, expect, it } from 'vitest';
import { committedDueDate, type Calendar } from '../../../services/calendar/working-days.js';
import { CALENDAR } from '../../../db/seed-data.js';
import { commitmentOf, getService, REGISTERED_HUKOU_KEY } from '../../../services/catalog/index.js';
import { guideOf } from '../../../services/catalog/guide.js';
import { exampleIdNumber } from '../../../services/catalog/examples.js';
import { passportCommitment } from '../../../services/catalog/definitions/passport.js';
import { subjectOf } from '../../../services/integrations/submission-checks.js';

/**
 * Known answers for tracker issue 15, each against the article it rests on (docs/catalog-sources.md,
 * "Household and exit-entry"), with cases on both sides of every boundary.
 */

const cal: Calendar = {
  holidays: new Set(CALENDAR.filter((d) => d.kind === 'holiday').map((d) => d.day)),
  workdays: new Set(CALENDAR.filter((d) => d.kind === 'workday').map((d) => d.day)),
  // The seed's last published year (db/seed-data.ts CALENDAR_YEARS).
  knownThrough: '2026-12-31',
};
const at = (iso: string) => new Date(`${iso}+08:00`);
const TODAY = '2026-11-23';

describe('跨省通办 flags (MPS press conference 2024-05-27; 公通字〔2021〕12号 art. 87)', () => {
  it.each(['birth-registration', 'first-id-card', 'temporary-id-card', 'household-certificate'])('%s is handled across provinces', (code) => {
    expect(getService(code).crossProvince).toBe(true);
    expect(guideOf(getService(code)).crossProvince).toBe(true);
  });
});

describe('first resident ID card: 45 days (公通字〔2021〕12号 art. 80), not the law’s outer 60', () => {
  it('shows 45 calendar days with the norm’s article', () => {
    expect(guideOf(getService('first-id-card')).timeLimits.statutory).toEqual({
      days: 45,
      unit: 'calendar',
      basisKey: 'catalog:basis.mpsHukouNorms2021IdCard80',
    });
  });
});

describe('same-day items: 0 working days for an online filing (docs/decisions/0021)', () => {
  const zero = { days: 0, unit: 'working' } as const;
  it('received during office hours on a working day: due that day', () => {
    // Monday 2026-11-23.
    expect(committedDueDate(at('2026-11-23T08:00:00'), zero, cal)).toBe('2026-11-23');
    expect(committedDueDate(at('2026-11-23T16:59:59'), zero, cal)).toBe('2026-11-23');
  });
  it('received at or after closing: due the next working day (Friday evening → Monday)', () => {
    expect(committedDueDate(at('2026-11-23T17:00:00'), zero, cal)).toBe('2026-11-24');
    expect(committedDueDate(at('2026-11-23T22:30:00'), zero, cal)).toBe('2026-11-24');
    expect(committedDueDate(at('2026-11-20T17:00:00'), zero, cal)).toBe('2026-11-23');
  });
  it('received on a day off: due the next working day, whatever the hour', () => {
    expect(committedDueDate(at('2026-11-22T10:00:00'), zero, cal)).toBe('2026-11-23');
    // National Day: Oct 1–7 are holidays, Oct 8 (Thursday) is the next working day.
    expect(committedDueDate(at('2026-10-03T10:00:00'), zero, cal)).toBe('2026-10-08');
  });
  it('a UTC midnight that is 08:00 in China counts on the China day', () => {
    expect(committedDueDate(new Date('2026-11-23T00:00:00Z'), zero, cal)).toBe('2026-11-23');
    expect(committedDueDate(new Date('2026-11-23T09:00:00Z'), zero, cal)).toBe('2026-11-24');
  });
  it('limits of one working day or more count from the day after receipt, as before', () => {
    expect(committedDueDate(at('2026-11-20T22:00:00'), { days: 1, unit: 'working' }, cal)).toBe('2026-11-23');
    expect(committedDueDate(at('2026-11-23T10:00:00'), { days: 7, unit: 'working' }, cal)).toBe('2026-12-02');
  });
  it('calendar-day limits end on the day, or the next working day when that is a day off (民法典 art. 203)', () => {
    // 2026-11-23 + 20 = Sunday 2026-12-13 → Monday 2026-12-14; + 17 = Thursday 2026-12-10.
    expect(committedDueDate(at('2026-11-23T10:00:00'), { days: 20, unit: 'calendar' }, cal)).toBe('2026-12-14');
    expect(committedDueDate(at('2026-11-23T10:00:00'), { days: 17, unit: 'calendar' }, cal)).toBe('2026-12-10');
  });
});

describe('HK/Macao: an endorsement alone is on the spot at a self-service machine (facts §3.2)', () => {
  const def = getService('hk-macao-permit');
  const env = { officeProvince: '11' };
  it('endorsement only: 0 working days, no visit; a new permit: 7 working days, one visit', () => {
    expect(commitmentOf(def, { holdsValidPermit: 'yes' }, env)).toEqual({ days: 0, unit: 'working', visits: 0 });
    expect(commitmentOf(def, { holdsValidPermit: 'no' }, env)).toEqual({ days: 7, unit: 'working', visits: 1 });
  });
  it('the guide shows both cases with their basis', () => {
    expect(guideOf(def).timeLimits.cases).toEqual([
      { labelKey: 'catalog:services.hk-macao-permit.commitments.newPermit', days: 7, unit: 'working', visits: 1, basisKey: 'catalog:basis.exitEntryReform2018' },
      {
        labelKey: 'catalog:services.hk-macao-permit.commitments.endorsementOnly',
        days: 0,
        unit: 'working',
        visits: 0,
        basisKey: 'catalog:basis.selfServiceEndorsement',
      },
    ]);
  });
});

describe('passport outside the hukou province: 20 days (护照法 art. 6; 全国通办 rule, facts §3.1)', () => {
  const def = getService('passport');
  it('the office in the province of the registered hukou: 7 working days', () => {
    expect(passportCommitment({ [REGISTERED_HUKOU_KEY]: '110105' }, { officeProvince: '11' })).toBe('hukouProvince');
    expect(commitmentOf(def, { [REGISTERED_HUKOU_KEY]: '110105' }, { officeProvince: '11' })).toEqual({ days: 7, unit: 'working', visits: 1 });
  });
  it('an office in another province: 20 calendar days', () => {
    expect(commitmentOf(def, { [REGISTERED_HUKOU_KEY]: '110105' }, { officeProvince: '31' })).toEqual({ days: 20, unit: 'calendar', visits: 1 });
  });
  it('the registry could not say where: the longer limit, which the office can keep either way', () => {
    expect(passportCommitment({}, { officeProvince: '11' })).toBe('elsewhere');
    expect(passportCommitment({ [REGISTERED_HUKOU_KEY]: '110105' }, { officeProvince: null })).toBe('elsewhere');
  });
});

describe('whose records: the subject of an application (查询出入境记录申请办法; 护照法 art. 5; 居民身份证法 art. 10)', () => {
  const me = { realName: '张三', idNumber: exampleIdNumber('110101', '19900307') };
  const other = exampleIdNumber('110105', '19850612', '456');
  const records = getService('entry-exit-records');
  const passport = getService('passport');

  it('record inquiry: the account holder, unless filing as an agent for the person named', () => {
    expect(subjectOf(records, { filingAs: 'self' }, me, TODAY)).toEqual({ person: { name: '张三', idNumber: me.idNumber } });
    expect(subjectOf(records, { filingAs: 'agent', subjectName: '李四', subjectIdNumber: other }, me, TODAY)).toEqual({
      person: { name: '李四', idNumber: other },
    });
  });

  it('record inquiry: filing "as an agent" for one’s own number is refused beside the field', () => {
    const r = subjectOf(records, { filingAs: 'agent', subjectName: '张三', subjectIdNumber: me.idNumber }, me, TODAY);
    expect('refusal' in r && r.refusal).toMatchObject({ code: 'application.agentForSelf', status: 400, fieldErrors: { subjectIdNumber: ['apply.agentForSelf'] } });
  });

  it('passport: an adult’s ID number must be the filer’s own; a child’s (under 16) a guardian may give', () => {
    expect(subjectOf(passport, { idNumber: me.idNumber }, me, TODAY)).toEqual({ person: { name: '张三', idNumber: me.idNumber } });
    const adult = subjectOf(passport, { idNumber: other }, me, TODAY);
    expect('refusal' in adult && adult.refusal).toMatchObject({ code: 'application.notYourIdNumber', fieldErrors: { idNumber: ['apply.notYourIdNumber'] } });
    // TODAY 2026-11-23: born 2010-11-24 is 15 (a guardian applies), born 2010-11-23 is 16 today.
    const child = exampleIdNumber('110101', '20101124');
    expect(subjectOf(passport, { idNumber: child }, me, TODAY)).toEqual({ person: { name: '', idNumber: child } });
    const sixteen = subjectOf(passport, { idNumber: exampleIdNumber('110101', '20101123') }, me, TODAY);
    expect('refusal' in sixteen).toBe(true);
  });

  it('items that name nobody: the account holder', () => {
    expect(subjectOf(getService('temporary-id-card'), { hukouRegion: '110101' }, me, TODAY)).toEqual({ person: { name: '张三', idNumber: me.idNumber } });
  });
});
