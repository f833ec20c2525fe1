import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { calendarDays, offices } from '../../db/schema/index.js';
import { loadCalendar } from '../../services/calendar/working-days.js';
import { allOffices } from '../../services/offices/offices.js';
import { forgetReference, REFERENCE_TTL_MS, referenceRead } from '../../services/reference-cache.js';
import { together } from '../../services/sql.js';
import { createTestDb } from '../setup/test-db.js';

let h: DbHandle;
let other: DbHandle;
beforeAll(async () => {
  [h, other] = await Promise.all([createTestDb(), createTestDb()]);
});
afterAll(() => Promise.all([h.close(), other.close()]));

describe('reference cache', () => {
  it('reads once per key and database until the time is up', async () => {
    let reads = 0;
    const read = async () => ++reads;
    const t0 = 1_000_000;
    expect(await referenceRead(h.db, 'k', read, t0)).toBe(1);
    expect(await referenceRead(h.db, 'k', read, t0 + REFERENCE_TTL_MS - 1)).toBe(1);
    // Another database never sees this one's values.
    expect(await referenceRead(other.db, 'k', read, t0)).toBe(2);
    expect(await referenceRead(h.db, 'k', read, t0 + REFERENCE_TTL_MS)).toBe(3);
    forgetReference(h.db);
    expect(await referenceRead(h.db, 'k', read, t0 + REFERENCE_TTL_MS)).toBe(4);
  });

  it('does not keep a failed read', async () => {
    let reads = 0;
    const failing = async () => {
      reads += 1;
      throw new Error('database gone');
    };
    await expect(referenceRead(h.db, 'f', failing)).rejects.toThrow('database gone');
    await expect(referenceRead(h.db, 'f', failing)).rejects.toThrow('database gone');
    expect(reads).toBe(2);
    expect(await referenceRead(h.db, 'f', async () => 'back')).toBe('back');
  });

  it('keeps the offices and the calendar as read, and shows a correction once forgotten', async () => {
    const before = await allOffices(h.db);
    const cal = await loadCalendar(h.db, '2026-10-01');
    await h.db.update(offices).set({ phone: '010-00000000' }).where(eq(offices.code, 'bj-dongcheng'));
    await h.db.insert(calendarDays).values({ day: '2026-12-02', kind: 'holiday', nameKey: 'test' }).onConflictDoNothing();
    // Within the minute a process keeps them (decision 0014), the old values stand.
    expect(await allOffices(h.db)).toBe(before);
    expect((await loadCalendar(h.db, '2026-03-01')).holidays.has('2026-12-02')).toBe(cal.holidays.has('2026-12-02'));
    forgetReference(h.db);
    expect((await allOffices(h.db)).find((o) => o.code === 'bj-dongcheng')?.phone).toBe('010-00000000');
    expect((await loadCalendar(h.db, '2026-03-01')).holidays.has('2026-12-02')).toBe(true);
  });
});

describe('together', () => {
  it('runs every statement it is given, in one statement', async () => {
    await h.db.execute(sql`create table t_together (n int)`);
    await h.db.execute(sql`create table t_together2 (s text)`);
    await h.db.execute(together([sql`insert into t_together values (1), (2)`, sql`insert into t_together2 values ('a')`, sql`insert into t_together values (3)`]));
    const rows = (r: unknown) => (r as { rows: Record<string, unknown>[] }).rows;
    expect(rows(await h.db.execute(sql`select n from t_together order by n`)).map((r) => Number(r.n))).toEqual([1, 2, 3]);
    expect(rows(await h.db.execute(sql`select s from t_together2`)).map((r) => r.s)).toEqual(['a']);
  });

  it('rolls back every part when one fails', async () => {
    await h.db.execute(sql`create table t_together3 (n int primary key)`);
    await expect(h.db.execute(together([sql`insert into t_together3 values (1)`, sql`insert into t_together3 values (1)`]))).rejects.toThrow();
    const r = (await h.db.execute(sql`select count(*)::int as c from t_together3`)) as unknown as { rows: { c: number }[] };
    expect(Number(r.rows[0].c)).toBe(0);
  });

  it('refuses an empty list', () => {
    expect(() => together([])).toThrow(/no statements/);
  });
});
