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
    expect(await referenceRead(h.db, 'k', read, { now: t0 })).toBe(1);
    expect(await referenceRead(h.db, 'k', read, { now: t0 + REFERENCE_TTL_MS - 1 })).toBe(1);
    // Another database never sees this one's values.
    expect(await referenceRead(other.db, 'k', read, { now: t0 })).toBe(2);
    expect(await referenceRead(h.db, 'k', read, { now: t0 + REFERENCE_TTL_MS })).toBe(3);
    forgetReference(h.db);
    expect(await referenceRead(h.db, 'k', read, { now: t0 + REFERENCE_TTL_MS })).toBe(4);
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

/** Settles with 'stuck' when `p` has not settled within `ms`: a regression fails instead of hanging the suite. */
function within<T>(p: Promise<T>, ms = 5_000): Promise<T | 'stuck'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('reference cache across executors (decision 0014)', () => {
  it('a transaction asking for an entry a root-level read is fetching reads it itself instead of waiting on itself', async () => {
    forgetReference(h.db);
    const committed = h.db.transaction(async (tx) => {
      // The transaction has begun: on PGlite's one connection, a root-level statement now queues behind it.
      await tx.execute(sql`select 1`);
      const outside = loadCalendar(h.db, '2026-11-23');
      const inside = await loadCalendar(h.db, '2026-11-23', tx);
      return { outside, inside };
    });
    const result = await within(committed);
    expect(result).not.toBe('stuck');
    const { outside, inside } = result as Exclude<typeof result, 'stuck'>;
    expect(inside.holidays.size).toBeGreaterThan(0);
    expect(await outside).toEqual(inside);
  });

  it('the same for the offices, and for a root read that misses while a transaction is open', async () => {
    forgetReference(h.db);
    const committed = h.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      const outside = allOffices(h.db);
      const inside = await referenceRead(h.db, 'offices', (via) => via.select().from(offices).orderBy(offices.code), { via: tx });
      return { outside, inside };
    });
    const result = await within(committed);
    expect(result).not.toBe('stuck');
    const { outside, inside } = result as Exclude<typeof result, 'stuck'>;
    expect((await outside).map((o) => o.code)).toEqual(inside.map((o) => o.code));
  });

  it('shares a read in flight only on its own executor, and a settled value with every executor', async () => {
    forgetReference(h.db);
    const reads: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const read = (label: string) => async () => {
      reads.push(label);
      await gate;
      return label;
    };
    await h.db.transaction(async (tx) => {
      const a = referenceRead(h.db, 'x', read('root'));
      const b = referenceRead(h.db, 'x', read('root again'));
      const c = referenceRead(h.db, 'x', read('tx'), { via: tx });
      const d = referenceRead(h.db, 'x', read('tx again'), { via: tx });
      release();
      expect(await Promise.all([a, b, c, d])).toEqual(['root', 'root', 'tx', 'tx']);
    });
    expect(reads).toEqual(['root', 'tx']);
    // Settled: a later transaction takes the kept value without reading.
    await h.db.transaction(async (tx) => {
      expect(['root', 'tx']).toContain(await referenceRead(h.db, 'x', read('late'), { via: tx }));
    });
    expect(reads).toEqual(['root', 'tx']);
  });

  it('hands a read to the executor it is keyed by', async () => {
    forgetReference(h.db);
    await h.db.transaction(async (tx) => {
      let seen: unknown;
      await referenceRead(
        h.db,
        'via',
        async (via) => {
          seen = via;
          return 1;
        },
        { via: tx },
      );
      expect(seen).toBe(tx);
    });
  });

  it('does not keep what a read in flight saw once the process was told to forget', async () => {
    forgetReference(h.db);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stale = referenceRead(h.db, 'y', async () => {
      await gate;
      return 'before the correction';
    });
    forgetReference(h.db);
    release();
    expect(await stale).toBe('before the correction');
    expect(await referenceRead(h.db, 'y', async () => 'after')).toBe('after');
  });

  it('refuses a transaction as the owner', async () => {
    await h.db.transaction(async (tx) => {
      expect(() => referenceRead(tx, 'z', async () => 1)).toThrow(/root database handle/);
    });
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
