/**
 * Issue 17's question about services/sql-shapes.ts: what do the shaped statements save per filing?
 * The server's CPU for the statements of one filing (the session lookup and the filing statement,
 * buildFiling, with one file), built and compiled to text and parameters as the driver receives them,
 * shaped (built once, then filled in) against plain drizzle builders built from the values each time.
 * In one process, alternated A B A B over several rounds after a warm-up, so both sides see the same
 * JIT state and the same load. Run: `npx tsx bench/sql-shapes.ts [rounds] [filings per round]`.
 */
import { randomUUID } from 'node:crypto';
import { type SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import * as statements from '../services/applications/submit-statements.js';
import { buildSessionActor } from '../services/auth/sessions.js';
import { shaped } from '../services/sql-shapes.js';

const db = drizzle.mock() as unknown as Db;
const dialect = new PgDialect();
const compile = (s: SQLWrapper) => dialect.sqlToQuery(s.getSQL());

const rounds = Number(process.argv[2] ?? 8);
const perRound = Number(process.argv[3] ?? 5000);

/** One filing's values, fresh each time as the route's are. */
function filing() {
  const id = randomUUID();
  const at = new Date();
  return {
    session: { id: randomUUID(), now: at },
    insert: {
      id,
      applicantId: randomUUID(),
      serviceCode: 'household-certificate',
      department: 'hukou',
      numberPrefix: 'GA20261205',
      answers: { kind: 'kinship', hukouRegion: '310101', purpose: '办理继承公证', filingAs: 'self' },
      officeCode: 'sh-huangpu',
      priority: 3,
      at,
      completenessDeadline: '2026-12-11',
      dueDate: '2026-12-07',
      manualCheck: null,
      subjectRelation: 'self' as const,
      subjectName: null,
      subjectIdNumber: null,
      subjectUserId: null,
      itemVersionId: randomUUID(),
    },
  };
}

type Side = (f: ReturnType<typeof filing>) => void;
const shapedSession = shaped(buildSessionActor);
const shapedFiling = shaped(statements.buildFiling);
const key = { files: 1 };
/** The values submit.ts passes (writesOf): one PDF for the ID card. */
const values = (f: ReturnType<typeof filing>): statements.NewFiling => ({
  ...f.insert,
  applicationId: f.insert.id,
  actorId: f.insert.applicantId,
  actorRole: 'citizen',
  officeCityCode: '3101',
  auditData: { filedAs: 'self' },
  auditFacts: { serviceCode: f.insert.serviceCode, department: f.insert.department },
  messageParams: { serviceCode: f.insert.serviceCode, officeCode: f.insert.officeCode, completenessDeadline: '2026-12-11', dueDate: '2026-12-07' },
  idempotencyKey: `receipt:${f.insert.id}`,
  ...statements.fileValues([
    { applicationId: f.insert.id, materialCode: 'idCard', storageKey: randomUUID(), originalName: 'id-card.pdf', mimeType: 'application/pdf', sizeBytes: 1039, sha256: 'ab'.repeat(32), uploadedAt: f.insert.at },
  ]),
});

const plain: Side = (f) => {
  compile(buildSessionActor(db, f.session));
  compile(statements.buildFiling(db, values(f), key));
};
const withShapes: Side = (f) => {
  compile(shapedSession(db, {}, f.session));
  compile(shapedFiling(db, key, values(f)));
};

function time(side: Side): number {
  const fs = Array.from({ length: perRound }, filing);
  const t0 = process.cpuUsage();
  for (const f of fs) side(f);
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / perRound; // µs of CPU per filing
}

time(plain);
time(withShapes);
const got: Record<'plain' | 'shaped', number[]> = { plain: [], shaped: [] };
for (let r = 0; r < rounds; r++) {
  got.plain.push(time(plain));
  got.shaped.push(time(withShapes));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`CPU µs per filing's statements, ${rounds} alternated rounds of ${perRound}:`);
console.log(`  plain drizzle: median ${median(got.plain).toFixed(0)} (${line(got.plain)})`);
console.log(`  shaped:        median ${median(got.shaped).toFixed(0)} (${line(got.shaped)})`);
console.log(`  saved by shapes: ${(median(got.plain) - median(got.shaped)).toFixed(0)} µs per filing`);
