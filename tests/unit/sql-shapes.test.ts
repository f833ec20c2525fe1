import { sql, type SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { jsonb, PgDialect, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.js';
import {
  buildFiling,
  buildSubmissionWrites,
  type GivenReceipt,
  type NewSubmitted,
  type SubmissionWrites,
  type SubmissionWritesKey,
} from '../../services/applications/submit-statements.js';
import { buildSessionActor } from '../../services/auth/sessions.js';
import { shaped } from '../../services/sql-shapes.js';

// Builders only: nothing here is sent anywhere.
const db = drizzle.mock() as unknown as Db;
const dialect = new PgDialect();
// Text and parameters: what node-postgres and PGlite are sent (drizzle's typings serve other drivers).
const compiled = (s: SQLWrapper) => {
  const { sql: text, params } = dialect.sqlToQuery(s.getSQL());
  return { text, params };
};

const text_ = fc.string({ unit: 'grapheme', maxLength: 30 });
const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
const day = date.map((d) => d.toISOString().slice(0, 10));
const json = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });

const submitted: fc.Arbitrary<NewSubmitted> = fc.record({
  id: fc.uuid(),
  applicantId: fc.uuid(),
  serviceCode: text_,
  department: text_,
  numberPrefix: text_,
  answers: json,
  officeCode: text_,
  priority: fc.integer({ min: 0, max: 9 }),
  at: date,
  completenessDeadline: day,
  dueDate: day,
  manualCheck: fc.option(fc.record({ reason: text_ }), { nil: null }) as fc.Arbitrary<NewSubmitted['manualCheck']>,
  subjectRelation: fc.constantFrom('self', 'guardian', 'agent'),
  subjectName: fc.option(text_, { nil: null }),
  subjectIdNumber: fc.option(text_, { nil: null }),
  subjectUserId: fc.option(fc.uuid(), { nil: null }),
  itemVersionId: fc.option(fc.uuid(), { nil: null }),
});

const writes: fc.Arbitrary<{ key: SubmissionWritesKey; values: SubmissionWrites }> = fc
  .record({
    base: fc.record({
      applicationId: fc.uuid(),
      actorId: fc.uuid(),
      actorRole: fc.constantFrom('citizen', 'clerk', 'manager') as fc.Arbitrary<SubmissionWrites['actorRole']>,
      // A submission always has its office (a key of offices): without one nothing would be counted.
      officeCode: fc.string({ minLength: 1, maxLength: 12 }),
      officeCityCode: text_,
      serviceCode: text_,
      department: text_,
      priority: fc.integer({ min: 0, max: 9 }),
      at: date,
      completenessDeadline: day,
      dueDate: day,
      auditData: json,
      messageParams: json,
      idempotencyKey: text_,
    }),
    files: fc.array(
      fc.record({ materialCode: text_, storageKey: fc.uuid(), originalName: text_, mimeType: text_, sizeBytes: fc.nat(), sha256: text_, uploadedAt: date }),
      { maxLength: 3 },
    ),
    auditFacts: fc.record({ serviceCode: text_, department: text_ }),
  })
  .map(({ base, files, auditFacts }) => {
    const values: SubmissionWrites = { ...base, auditFacts };
    files.forEach((f, i) => Object.entries(f).forEach(([k, v]) => (values[`file${i}.${k}`] = v)));
    return { key: { files: files.length }, values };
  });

describe('shaped statements (services/sql-shapes.ts)', () => {
  it('a filing, shaped, is exactly the statement drizzle builds from the values, for every number of files', () => {
    const shape = shaped<SubmissionWritesKey, NewSubmitted & SubmissionWrites>(buildFiling);
    fc.assert(
      fc.property(submitted, writes, (a, { key, values }) => {
        const v = { ...a, ...values };
        expect(compiled(shape(db, key, v))).toEqual(compiled(buildFiling(db, v, key)));
      }),
    );
  });

  const given: fc.Arbitrary<GivenReceipt> = fc.record({ number: text_, applicantIdNumber: fc.option(text_, { nil: null }) });

  it('the writes of a draft filed, shaped, are exactly the statement drizzle builds from the values, for every number of files', () => {
    const shape = shaped<SubmissionWritesKey, SubmissionWrites & GivenReceipt>(buildSubmissionWrites);
    fc.assert(
      fc.property(writes, given, ({ key, values }, receipt) => {
        const v = { ...values, ...receipt };
        expect(compiled(shape(db, key, v))).toEqual(compiled(buildSubmissionWrites(db, v, key)));
      }),
    );
  });

  it('the session lookup, shaped, is exactly the statement drizzle builds from the values', () => {
    const shape = shaped<Record<string, never>, { id: string; now: Date }>(buildSessionActor);
    fc.assert(
      fc.property(fc.record({ id: fc.base64String({ maxLength: 44 }), now: date }), (v) => {
        expect(compiled(shape(db, {}, v))).toEqual(compiled(buildSessionActor(db, v)));
      }),
    );
  });

  const notes = pgTable('notes', { id: text('id').primaryKey(), body: jsonb('body'), at: timestamp('at', { withTimezone: true }), tags: text('tags').array() });
  type Note = { id: string; body: unknown; at: Date | null; tags: string[] };
  const buildNote = (d: Db, v: Note) => d.insert(notes).values({ id: v.id, body: v.body, at: v.at, tags: v.tags });

  it('keeps a null a NULL, runs values through their column encoders, and passes an array as one value', () => {
    const shape = shaped<object, Note>(buildNote);
    const direct = (v: Note) => compiled(buildNote(db, v));
    for (const v of [
      { id: 'a', body: null, at: null, tags: ['x', 'y'] },
      { id: 'b', body: { n: 1 }, at: new Date('2026-12-01T00:00:00Z'), tags: [] },
    ]) {
      const got = compiled(shape(db, {}, v));
      expect(got).toEqual(direct(v));
      expect(got.params).toHaveLength(4);
    }
    expect(compiled(shape(db, {}, { id: 'c', body: null, at: null, tags: [] })).params.slice(0, 3)).toEqual(['c', null, null]);
  });

  it('tells $1 from $10 when it splits the text', () => {
    type Many = Record<`v${number}`, number>;
    const buildMany = (_: Db, v: Many) => sql.join(Array.from({ length: 12 }, (_, i) => sql`${v[`v${i}`]}`), sql`, `);
    const shape = shaped<object, Many>(buildMany);
    const v = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`v${i}`, i * 10])) as Many;
    expect(compiled(shape(db, {}, v))).toEqual(compiled(buildMany(db, v)));
  });

  it('refuses values whose fields change for the same key, and a value left out', () => {
    const shape = shaped<object, Note>(buildNote);
    shape(db, {}, { id: 'a', body: null, at: null, tags: [] });
    expect(() => shape(db, {}, { id: 'a', body: null, at: null } as unknown as Note)).toThrow(/fields .* changed/);
    const other = shaped<object, Note>(buildNote);
    expect(() => other(db, {}, { id: 'a', body: null, at: null, tags: undefined } as unknown as Note)).toThrow(/no value for tags/);
  });
});
