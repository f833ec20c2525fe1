/**
 * What the HTTP benchmarks share: signed-in sessions as the browser would hold them, the apply
 * form as a browser posts it, and one autocannon run that counts only the responses a real user
 * would call success.
 */
import { randomUUID } from 'node:crypto';
import { createCookie } from '@remix-run/node';
import autocannon from 'autocannon';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema/index.js';
import { createSession } from '../services/auth/sessions.js';
import { systemClock } from '../services/context.js';
import { watchCpu, watchPeakRss, type BenchServer, type CpuUse } from './server.js';

/**
 * A signed-in user's Cookie header. The session row is what login (and, for staff, the second
 * factor) ends by creating (app/utils/session.server.ts startSession); the cookie is signed with
 * the server's secret exactly as that function signs it.
 */
export async function signedInCookie(db: Db, server: BenchServer, userId: string): Promise<{ cookie: string; sessionId: string }> {
  const sessionId = await createSession(db, systemClock, userId);
  const header = await createCookie('__session', { secrets: [server.sessionSecret] }).serialize(sessionId);
  return { cookie: header.split(';')[0], sessionId };
}

export async function userIdBy(db: Db, by: { mobile: string } | { staffNo: string }): Promise<string> {
  const [u] = await db
    .select({ id: users.id })
    .from(users)
    .where('mobile' in by ? eq(users.mobile, by.mobile) : eq(users.staffNo, by.staffNo));
  if (!u) throw new Error(`no user ${JSON.stringify(by)}: the server seeds the demo accounts (SEED_DEMO)`);
  return u.id;
}

/** The smallest PDF the upload checks accept (they sniff the bytes), as db/seed-demo-applications.ts files it. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1'), Buffer.alloc(1024, 0x20)]);
const BOUNDARY = '----onewindowbench7MA4YWxkTrZu0gW';
export const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/**
 * A household-registration certificate (户籍证明) for a region `officeCode` covers: the answers and
 * the ID card, the one material it needs for a citizen filing for themselves. The region routes it
 * (the registration-place station); `officeCode` names where it is expected to land. No external
 * system is asked for this item, so what is measured is the portal and its database.
 */
export function certificateFiling(_officeCode: string, hukouRegion: string) {
  return {
    serviceCode: 'household-certificate',
    answers: { kind: 'kinship', hukouRegion, purpose: '办理继承公证', filingAs: 'self' },
    files: [{ materialCode: 'idCard', originalName: 'id-card.pdf', bytes: new Uint8Array(PDF) }],
  };
}

/**
 * The certificate as the apply form posts it (multipart, the form's encType): a fresh application
 * id — the form's own, so each post is a new application (docs/decisions/0005) — the answers,
 * the intent and the file.
 */
export function certificateForm(officeCode: string, hukouRegion: string): { body: Buffer; applicationId: string } {
  const applicationId = randomUUID();
  const filing = certificateFiling(officeCode, hukouRegion);
  const fields: Record<string, string> = { applicationId, ...filing.answers, intent: 'submit' };
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of filing.files) {
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="material.${f.materialCode}"; filename="${f.originalName}"\r\nContent-Type: application/pdf\r\n\r\n`),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { body: Buffer.concat(parts), applicationId };
}

export const APPLY_PATH = '/services/household-certificate/apply';

/** Files one application through the route; returns its number or throws with what the server said. */
export async function fileOnce(server: BenchServer, cookie: string, officeCode: string, hukouRegion: string): Promise<string> {
  const { body } = certificateForm(officeCode, hukouRegion);
  const res = await fetch(`${server.url}${APPLY_PATH}`, {
    method: 'POST',
    redirect: 'manual',
    body,
    headers: { cookie, origin: server.url, 'content-type': MULTIPART },
  });
  const location = res.headers.get('location') ?? '';
  const m = /^\/applications\/(GA\d+)$/.exec(location);
  if (res.status !== 302 || !m) throw new Error(`filing did not succeed: ${res.status} ${location}\n${(await res.text()).slice(0, 2000)}`);
  return m[1];
}

export type LoadResult = {
  connections: number;
  seconds: number;
  /** Responses that were what a user would call success. */
  ok: number;
  /** Everything else, by status (or kind of failure), with a few examples. */
  failures: Record<string, number>;
  examples: string[];
  reqPerSec: number;
  p50: number;
  p99: number;
  peakRss: number;
  /** CPU ms the server, PostgreSQL, the load generator (this process) and the machine used during the load. */
  cpu: CpuUse;
  /** Milliseconds, one per response. */
  latencies: number[];
};

export type LoadSpec = {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Called before every request for a body of its own (a fresh form id per post). */
  body?: () => Buffer;
  /** Cookie headers used in turn, one per request (several signed-in users). */
  cookies?: string[];
  connections: number;
  seconds: number;
  /** Whether a response counts; `location` is the Location header (redirects). */
  accept: (status: number, location: string) => boolean;
};

/** One autocannon run against the server, its peak RSS watched for the duration. */
export async function runLoad(server: BenchServer, spec: LoadSpec): Promise<LoadResult> {
  const failures: Record<string, number> = {};
  const examples: string[] = [];
  let ok = 0;
  const fail = (key: string, example: string) => {
    failures[key] = (failures[key] ?? 0) + 1;
    if (examples.length < 3) examples.push(example);
  };
  const makeBody = spec.body;
  const cookies = spec.cookies ?? [];
  let turn = 0;
  const dynamic = !!makeBody || cookies.length > 1;
  const request: autocannon.Request = {
    method: spec.method ?? 'GET',
    path: spec.path,
    headers: { ...spec.headers, ...(cookies.length ? { cookie: cookies[0] } : {}) },
    ...(dynamic
      ? {
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            ...(makeBody ? { body: makeBody() } : {}),
            ...(cookies.length > 1 ? { headers: { ...req.headers, cookie: cookies[turn++ % cookies.length] } } : {}),
          }),
        }
      : {}),
    onResponse: (status, body, _context, headers) => {
      const raw = headers ? Object.entries(headers).find(([k]) => k.toLowerCase() === 'location')?.[1] : undefined;
      const location = Array.isArray(raw) ? raw[0] : (raw ?? '');
      if (spec.accept(status, location)) ok += 1;
      else fail(String(status), `${status} ${location} ${String(body).slice(0, 300).replace(/\s+/g, ' ')}`);
    },
  };
  const latencies: number[] = [];
  const watch = watchPeakRss(server.pid);
  const cpuWatch = watchCpu(server.pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: spec.connections,
        duration: spec.seconds,
        // Keeps the Host header localhost:<port>, which the Origin check compares against.
        requests: [request],
      },
      (err: unknown, r: autocannon.Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(r)),
    );
    // Every response's time, so the runs of one row can be pooled into one distribution.
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const peakRss = watch.stop();
  const cpu = cpuWatch.stop();
  // autocannon counts a timeout as an error too.
  if (result.errors > result.timeouts) failures.connection = result.errors - result.timeouts;
  if (result.timeouts) failures.timeout = result.timeouts;
  return {
    connections: spec.connections,
    seconds: result.duration,
    ok,
    failures,
    examples,
    reqPerSec: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    peakRss,
    cpu,
    latencies,
  };
}

export function failureLine(r: LoadResult): string | null {
  const total = Object.values(r.failures).reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  return `${total} failed responses (${Object.entries(r.failures)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ')}); e.g. ${r.examples.join(' | ')}`;
}
