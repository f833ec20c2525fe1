/**
 * Reference data the portal needs to run at all (offices, calendar) and the demo accounts.
 * Office and holiday names are i18n keys; the data here is codes and dates only.
 */
import type { Department } from '../services/catalog/types.js';

const ALL: Department[] = ['hukou', 'traffic', 'exit_entry'];

/**
 * The public-security organs above the offices (province 省厅 → city 市局 → district 分局). Beijing
 * and Shanghai are municipalities: their 市局 is a province-level organ, listed here as the city
 * level under the province so the hierarchy has one shape everywhere. Parents come first.
 */
export const ORG_UNITS = [
  { code: '11', parentCode: null, level: 'province' as const, nameZh: '北京市', nameEn: 'Beijing' },
  { code: '1101', parentCode: '11', level: 'city' as const, nameZh: '北京市公安局', nameEn: 'Beijing Municipal Public Security Bureau' },
  { code: '110101', parentCode: '1101', level: 'district' as const, nameZh: '东城分局', nameEn: 'Dongcheng Branch' },
  { code: '110105', parentCode: '1101', level: 'district' as const, nameZh: '朝阳分局', nameEn: 'Chaoyang Branch' },
  { code: '31', parentCode: null, level: 'province' as const, nameZh: '上海市', nameEn: 'Shanghai' },
  { code: '3101', parentCode: '31', level: 'city' as const, nameZh: '上海市公安局', nameEn: 'Shanghai Municipal Public Security Bureau' },
  { code: '310101', parentCode: '3101', level: 'district' as const, nameZh: '黄浦分局', nameEn: 'Huangpu Branch' },
];

export const OFFICES = [
  // Comprehensive window (综合窗口): all three departments for Dongcheng; and, through the city-wide
  // prefix 1101, the vehicle office for every Beijing resident (district offices win for 户政,
  // since the most specific prefix wins among offices that handle the department).
  { code: 'bj-dongcheng', orgUnitCode: '110101', cityCode: '1101', regionPrefixes: ['110101', '1101'], platePrefixes: ['京'], departments: ALL, phone: '010-12345601' },
  { code: 'bj-chaoyang', orgUnitCode: '110105', cityCode: '1101', regionPrefixes: ['110105', '110108'], platePrefixes: [], departments: ['hukou', 'exit_entry'] as Department[], phone: '010-12345602' },
  { code: 'sh-huangpu', orgUnitCode: '310101', cityCode: '3101', regionPrefixes: ['310101', '310104', '310115'], platePrefixes: ['沪'], departments: ALL, phone: '021-12345603' },
];

/**
 * Visits booked online per hour-long slot (windows taking booked visits × people per window and
 * hour) and how many working days ahead each demo office books (services/appointments, decisions
 * 0033, 0039): e.g. two windows taking two visits an hour each.
 */
export const APPOINTMENT_SETTINGS = [
  { officeCode: 'bj-dongcheng', windows: 2, perWindow: 2, seatsPerSlot: 4, daysAhead: 10 },
  { officeCode: 'bj-chaoyang', windows: 3, perWindow: 1, seatsPerSlot: 3, daysAhead: 10 },
  { officeCode: 'sh-huangpu', windows: 2, perWindow: 2, seatsPerSlot: 4, daysAhead: 10 },
];

/**
 * Public holidays and the weekend days worked in exchange (调休), from the State Council's
 * annual notices (CALENDAR_YEARS says which notice each year follows). These rows seed a new
 * database only; from then on the root administrator enters and publishes each year in the browser
 * (/admin/calendar, services/calendar/calendar-years.ts), and a seeded year is never rewritten.
 */
type Day = { day: string; kind: 'holiday' | 'workday'; nameKey: string };
const span = (from: string, to: string, nameKey: string): Day[] => {
  const out: Day[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push({ day: d.toISOString().slice(0, 10), kind: 'holiday', nameKey });
  }
  return out;
};
const work = (day: string, nameKey: string): Day => ({ day, kind: 'workday', nameKey });

export const CALENDAR: Day[] = [
  // 2025
  ...span('2025-01-01', '2025-01-01', 'newYear'),
  ...span('2025-01-28', '2025-02-04', 'springFestival'),
  work('2025-01-26', 'springFestival'),
  work('2025-02-08', 'springFestival'),
  ...span('2025-04-04', '2025-04-06', 'qingming'),
  ...span('2025-05-01', '2025-05-05', 'labourDay'),
  work('2025-04-27', 'labourDay'),
  ...span('2025-05-31', '2025-06-02', 'dragonBoat'),
  ...span('2025-10-01', '2025-10-08', 'nationalDay'),
  work('2025-09-28', 'nationalDay'),
  work('2025-10-11', 'nationalDay'),
  // 2026
  ...span('2026-01-01', '2026-01-03', 'newYear'),
  work('2026-01-04', 'newYear'),
  ...span('2026-02-15', '2026-02-23', 'springFestival'),
  work('2026-02-14', 'springFestival'),
  work('2026-02-28', 'springFestival'),
  ...span('2026-04-04', '2026-04-06', 'qingming'),
  ...span('2026-05-01', '2026-05-05', 'labourDay'),
  work('2026-05-09', 'labourDay'),
  ...span('2026-06-19', '2026-06-21', 'dragonBoat'),
  ...span('2026-09-25', '2026-09-27', 'midAutumn'),
  ...span('2026-10-01', '2026-10-07', 'nationalDay'),
  work('2026-09-20', 'nationalDay'),
  work('2026-10-10', 'nationalDay'),
  // 2027
  ...span('2027-01-01', '2027-01-01', 'newYear'),
];

/**
 * The years the seed brings, each with the notice it follows. 2026 was compared day by day with
 * the notice's text as Xinhua published it on 2025-11-04 (国办发明电〔2025〕7号; e.g.
 * politics.gmw.cn/2025-11/04/content_38391083.htm): every holiday span and every make-up working
 * day matches. 2025 follows its notice of 2024-11-12 but was not re-checked here. 2027 is a draft
 * (New Year's Day only) until the root administrator enters and publishes it from the notice.
 */
export const CALENDAR_YEARS = [
  { year: 2025, source: '国务院办公厅关于2025年部分节假日安排的通知, 2024-11-12', verified: false, published: true },
  { year: 2026, source: '国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04', verified: true, published: true },
  { year: 2027, source: '', verified: false, published: false },
];

/** Demo password for every demo account; printed on start. Never used outside the demo seed. */
export const DEMO_PASSWORD = 'onewindow-demo';

export const DEMO_USERS = [
  { key: 'citizen', role: 'citizen' as const, realName: '张三', idNumber: '110101199003071233', mobile: '13800138000', login: '13800138000' },
  { key: 'citizen2', role: 'citizen' as const, realName: '李四', idNumber: '310101198511224569', mobile: '13900139000', login: '13900139000' },
  { key: 'clerkDongcheng', role: 'clerk' as const, realName: '王警官', staffNo: '010001', officeCode: 'bj-dongcheng', skills: ALL, login: '010001' },
  { key: 'clerkDongchengHukou', role: 'clerk' as const, realName: '赵警官', staffNo: '010002', officeCode: 'bj-dongcheng', skills: ['hukou'] as Department[], login: '010002' },
  { key: 'clerkChaoyang', role: 'clerk' as const, realName: '刘警官', staffNo: '010101', officeCode: 'bj-chaoyang', skills: ['hukou', 'exit_entry'] as Department[], login: '010101' },
  { key: 'clerkHuangpu', role: 'clerk' as const, realName: '陈警官', staffNo: '021001', officeCode: 'sh-huangpu', skills: ALL, login: '021001' },
  { key: 'managerOffice', role: 'manager' as const, realName: '孙所长', staffNo: '019001', officeCode: 'bj-dongcheng', managerScope: 'office' as const, login: '019001' },
  { key: 'managerCity', role: 'manager' as const, realName: '周局长', staffNo: '019000', officeCode: 'bj-dongcheng', managerScope: 'city' as const, login: '019000' },
  // A province manager (decision 0040): reports start at the province's unit (Beijing, 11) and go down.
  { key: 'managerProvince', role: 'manager' as const, realName: '郑厅长', staffNo: '019800', officeCode: 'bj-dongcheng', managerScope: 'province' as const, login: '019800' },
  // Administrators: the national root (no org unit; what `npm run admin:bootstrap` creates on a
  // real deployment) and one for the Beijing bureau and everything below it.
  { key: 'adminRoot', role: 'admin' as const, realName: '系统管理员', staffNo: '000001', orgUnitCode: null, login: '000001' },
  { key: 'adminBeijing', role: 'admin' as const, realName: '吴管理员', staffNo: '019900', orgUnitCode: '1101', login: '019900' },
];

/**
 * Demo staff TOTP secrets (base32), keyed by staff number. Public on purpose, like the demo
 * password: `npm run totp -- 010001` prints the current code. Real staff get random secrets.
 */
export const DEMO_TOTP_SECRETS: Record<string, string> = {
  '010001': '3KBC6IG6VF3QXEC7',
  '010002': 'GHJBJWFCI52XM7OY',
  '010101': 'PV67L2QKNZF3U7IS',
  '021001': '2G2FOGVE5KWJHXNB',
  '019001': 'UJQSY4FEXF6YP5ZI',
  '019000': '3FF4XH37M4OHYXLO',
  '019800': 'CIRH6QFZECMNVKGR',
  '000001': 'LINNFYTZWHLS6FHK',
  '019900': 'KEQHXKCBEFEOWB4E',
};
