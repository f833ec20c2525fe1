import { describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS } from '../../db/schema/documents.js';
import { SUPPORTED_LANGUAGES } from '../../locales/index.js';
import { formatDocumentNumber } from '../../services/documents/numbers.js';
import { bodyOf, renderDocument, type DocumentFacts } from '../../services/documents/render.js';
import { formatChinaDay } from '../../services/locale-text.js';
import { MESSAGE_TEMPLATES } from '../../services/notifications/outbox.js';
import { renderMessage } from '../../services/notifications/render.js';

/** Every parameter any template uses, as the services record them. */
const PARAMS = {
  applicationNumber: 'GA20261123000042',
  number: 'GA20261123000042',
  serviceCode: 'temporary-id-card',
  officeCode: 'bj-dongcheng',
  toOfficeCode: 'bj-chaoyang',
  documentNumber: 'BJ-DONGCHENG-2026-SL-000001',
  certificateNumber: 'L110101202611230001',
  delivery: 'mail',
  dueDate: '2026-12-07',
  completenessDeadline: '2026-11-30',
  deadline: '2026-12-14',
  noticeNumber: 'BZ2026000001',
  // A booked visit (services/appointments).
  day: '2026-11-30',
  time: '10:00',
};

const FACTS: DocumentFacts = {
  number: 'BJ-DONGCHENG-2026-SL-000001',
  applicant: '张三',
  applicationNumber: 'GA20261123000042',
  serviceCode: 'temporary-id-card',
  officeCode: 'bj-dongcheng',
  officePhone: '010-12345601',
  receivedDay: '2026-11-23',
  issueDate: '2026-11-24',
  dueDate: '2026-12-07',
  completenessDeadline: '2026-11-30',
  acceptedDay: '2026-11-24',
  reasonCode: 'outsideJurisdiction',
  legalBasisKey: 'catalog:basis.idCardLaw12',
  note: '说明',
  redirectOfficeCode: 'bj-chaoyang',
  redirectPhone: '010-12345602',
  certificateNumber: 'L110101202611230001',
  delivery: 'pickup',
  noticeNumber: 'BZ2026000001',
  noticeDate: '2026-11-24',
  deadline: '2026-12-14',
};

/** About an account, not an application: they name none. */
const ACCOUNT_TEMPLATES: string[] = ['signupCode', 'signupAccountExists', 'signupIdTaken', 'resetCode'];
const CODE_TEMPLATES: string[] = ['signupCode', 'resetCode', 'trackCode'];
/** What the worker adds to a code message's params when it opens the sealed code. */
const CODE = { code: '482913', minutes: 10 };

describe('message texts', () => {
  it.each(MESSAGE_TEMPLATES.flatMap((t) => SUPPORTED_LANGUAGES.map((l) => [t, l] as const)))('%s in %s: every part present, nothing left unfilled', (template, lng) => {
    const m = renderMessage(template, lng, { ...PARAMS, ...CODE });
    expect(m).toBeDefined();
    for (const part of Object.values(m!)) {
      expect(part.trim()).not.toBe('');
      expect(part).not.toMatch(/\{\{|\}\}/);
    }
    if (!ACCOUNT_TEMPLATES.includes(template)) expect(m!.sms).toContain(PARAMS.applicationNumber);
    // A code message carries the code and how long it lives (decision 0024).
    if (CODE_TEMPLATES.includes(template)) expect(m!.sms).toMatch(new RegExp(`${CODE.code}[^]*${CODE.minutes}|${CODE.minutes}[^]*${CODE.code}`));
  });

  it('turns codes and days into the language’s words', () => {
    const zh = renderMessage('completion', 'zh-CN', PARAMS)!;
    expect(zh.sms).toContain('领取方式：邮寄');
    expect(zh.emailBody).toContain('北京市公安局东城分局综合服务窗口');
    const en = renderMessage('receipt', 'en', PARAMS)!;
    expect(en.sms).toContain('by November 30, 2026');
    expect(renderMessage('transfer', 'en', PARAMS)!.sms).toContain('to Beijing PSB Chaoyang Branch');
  });

  it('a receipt promised sooner than the art. 32 acceptance deadline says only the promised day, never "accepted by the 10th, done by the 4th"', () => {
    const fast = { ...PARAMS, completenessDeadline: '2026-12-10', dueDate: '2026-12-04' };
    const sameDay = { ...PARAMS, completenessDeadline: '2026-12-04', dueDate: '2026-12-04' };
    for (const params of [fast, sameDay]) {
      const zh = renderMessage('receipt', 'zh-CN', params)!;
      const en = renderMessage('receipt', 'en', params)!;
      for (const part of [zh.sms, zh.emailBody]) {
        expect(part).toContain('12月4日');
        expect(part).not.toContain('受理或');
        expect(part).not.toContain('前受理');
      }
      expect(zh.sms).not.toContain('12月10日');
      for (const part of [en.sms, en.emailBody]) {
        expect(part).toContain('by December 4, 2026');
        expect(part).not.toContain('accept it');
      }
    }
    // The ordinary case still names both days.
    const zh = renderMessage('receipt', 'zh-CN', { ...PARAMS, completenessDeadline: '2026-11-30', dueDate: '2026-12-07' })!.sms;
    expect(zh).toMatch(/11月30日前受理[^]*12月7日前办结/);
    // A receipt whose promised day the calendar cannot give yet (null) keeps the ordinary text.
    expect(renderMessage('receipt', 'en', { ...PARAMS, dueDate: null, unknownYear: 2027 })!.sms).toContain('accept it');
  });

  it('has no text for a template nobody wrote', () => {
    expect(renderMessage('madeUp', 'zh-CN', PARAMS)).toBeUndefined();
  });
});

describe('document texts', () => {
  it.each(DOCUMENT_KINDS.flatMap((k) => SUPPORTED_LANGUAGES.map((l) => [k, l] as const)))('%s in %s renders completely', (kind, lng) => {
    const doc = renderDocument(kind, FACTS, lng);
    expect(doc.title.trim()).not.toBe('');
    expect(doc.facts.map((f) => f.value)).toContain(FACTS.number);
    for (const p of doc.paragraphs) {
      expect(p).not.toMatch(/\{\{|\}\}/);
      expect(p.trim()).not.toBe('');
    }
    // Signed by the office, with the China date of issue.
    expect(doc.paragraphs.at(-1)).toContain(formatChinaDay(lng, FACTS.issueDate));
  });

  it('a deemed acceptance after the promised date says the office must decide at once, not "by" a day gone', () => {
    const late = { ...FACTS, dueDate: '2026-12-04', issueDate: '2026-12-11' };
    const onTime = { ...FACTS, dueDate: '2026-12-20', issueDate: '2026-12-11' };
    expect(bodyOf('deemedAcceptance', late)).toBe('deemedAcceptanceOverdue');
    expect(bodyOf('deemedAcceptance', onTime)).toBe('deemedAcceptance');
    expect(bodyOf('acceptance', late)).toBe('acceptance');
    expect(renderDocument('deemedAcceptance', late, 'zh-CN').paragraphs[0]).toContain('已过，本机关将立即作出决定');
    expect(renderDocument('deemedAcceptance', onTime, 'zh-CN').paragraphs[0]).toContain('前作出决定');
    expect(renderDocument('deemedAcceptance', late, 'en').paragraphs[0]).toContain('has passed');
    for (const lng of SUPPORTED_LANGUAGES) expect(renderMessage('deemedAcceptanceOverdue', lng, { applicationNumber: 'GA1', documentNumber: 'D1', dueDate: '2026-12-04', serviceCode: 'passport' })?.sms).not.toMatch(/\{\{/);
  });

  it('gives the remedies exactly where the citizen may challenge the decision', () => {
    const withRights = DOCUMENT_KINDS.filter((k) => renderDocument(k, FACTS, 'zh-CN').paragraphs.some((p) => p.includes('行政复议')));
    expect(withRights).toEqual(['nonAcceptance', 'refusal']);
  });

  it('numbers documents by office, year and kind', () => {
    expect(formatDocumentNumber('bj-dongcheng', 2026, 'refusal', 42)).toBe('BJ-DONGCHENG-2026-BYXK-000042');
    expect(formatDocumentNumber('sh-huangpu', 2027, 'acceptance', 1234567)).toBe('SH-HUANGPU-2027-SL-1234567');
  });
});
