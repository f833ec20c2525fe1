import { describe, expect, it } from 'vitest';
import { addWorkingDays, chinaDate, chinaTime, isWorkingDay, workingDaysBetween, workingDaysLeft, type Calendar } from '../../services/calendar/working-days.js';
import { CALENDAR } from '../../db/seed-data.js';

const cal: Calendar = {
  holidays: new Set(CALENDAR.filter((d) => d.kind === 'holiday').map((d) => d.day)),
  workdays: new Set(CALENDAR.filter((d) => d.kind === 'workday').map((d) => d.day)),
  // The seed's last published year (db/seed-data.ts CALENDAR_YEARS).
  knownThrough: '2026-12-31',
};

describe('working days', () => {
  it('skips weekends', () => {
    // Friday 2026-11-20 + 1 working day = Monday 2026-11-23.
    expect(addWorkingDays('2026-11-20', 1, cal)).toBe('2026-11-23');
    expect(addWorkingDays('2026-11-23', 5, cal)).toBe('2026-11-30');
  });

  it('skips the National Day holiday and counts the makeup Saturday', () => {
    // 2026-09-30 (Wed) + 1 → holidays Oct 1–7, Oct 8 (Thu) is the next working day.
    expect(addWorkingDays('2026-09-30', 1, cal)).toBe('2026-10-08');
    // Oct 10 (Sat) is a makeup working day.
    expect(isWorkingDay('2026-10-10', cal)).toBe(true);
    expect(addWorkingDays('2026-10-09', 1, cal)).toBe('2026-10-10');
  });

  it('treats 0 days as on the spot, rolling a holiday forward', () => {
    expect(addWorkingDays('2026-11-23', 0, cal)).toBe('2026-11-23');
    expect(addWorkingDays('2026-11-22', 0, cal)).toBe('2026-11-23');
  });

  it('counts working days between two dates', () => {
    expect(workingDaysBetween('2026-11-20', '2026-11-27', cal)).toBe(5);
    expect(workingDaysBetween('2026-11-27', '2026-11-20', cal)).toBe(0);
  });

  it('uses China Standard Time for the day of an instant', () => {
    expect(chinaDate(new Date('2026-11-22T17:30:00Z'))).toBe('2026-11-23');
    expect(chinaDate(new Date('2026-11-22T15:30:00Z'))).toBe('2026-11-22');
  });
});

describe('China time', () => {
  it('places a wall-clock time of a China day at its instant', () => {
    expect(chinaTime('2026-11-25', '09:00').toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(chinaDate(chinaTime('2026-11-25', '00:00'))).toBe('2026-11-25');
    expect(chinaDate(new Date(chinaTime('2026-11-25', '00:00').getTime() - 1))).toBe('2026-11-24');
  });

  it('counts the working days left to a deadline, and past it', () => {
    // Due Monday 30 November: from the Monday before, five working days left; none on the day.
    expect(workingDaysLeft('2026-11-23', '2026-11-30', cal)).toBe(5);
    expect(workingDaysLeft('2026-11-28', '2026-11-30', cal)).toBe(1); // a Saturday
    expect(workingDaysLeft('2026-11-30', '2026-11-30', cal)).toBe(0);
    expect(workingDaysLeft('2026-12-02', '2026-11-30', cal)).toBe(-2);
    // Across National Day: from 30 September, 9 October is two working days away (8th, 9th).
    expect(workingDaysLeft('2026-09-30', '2026-10-09', cal)).toBe(2);
  });
});
