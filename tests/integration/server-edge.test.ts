import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createCookie, json, type LoaderFunctionArgs, type ServerBuild } from '@remix-run/node';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db, DbHandle } from '../../db/client.js';
import type { OneWindowContext } from '../../app/load-context.js';
import { getActor } from '../../app/utils/session.server.js';
import { createApp, createHttpServer, type EdgeOptions } from '../../server/app.js';
import { FORM_BODY_LIMIT } from '../../server/body-limit.js';
import { serverSettings, type Env } from '../../server/settings.js';
import { createApplicant } from '../support/applications.js';
import { appContext, fixedClock, makeMobile, sessionCookieFor, TEST_NOW, TEST_PASSWORD, TEST_SECRET, testConfig } from '../support/factories.js';
import { files } from '../support/requests.js';
import { sourceServerBuild, withProbeRoutes } from '../support/server-build.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * The server's edge over real HTTP: server/app.ts's createApp with the app's own routes (the
 * build assembled from the sources), on a port of its own, driven with node:http so that methods
 * fetch refuses to send (TRACE) and bodies that never end can be sent.
 */
let h: DbHandle;
let build: ServerBuild;
const root = path.resolve(__dirname, '../..');
const servers: http.Server[] = [];

/** What only a test route can provoke: a query the database refuses, two ways. */
const probes = {
  'probe/ip': ({ context }: LoaderFunctionArgs) => json({ ip: context.clientIp }),
  'probe/data-exception': async ({ context }: LoaderFunctionArgs) => {
    await context.db.execute(sql`select ${'not a number'}::int`);
    return json({ ok: true });
  },
  // Who the page's loader sees, beside the root loader, which also asks (app/root.tsx).
  'probe/actor': async ({ request, context }: LoaderFunctionArgs) => json({ actor: (await getActor(request, context)).kind }),
  'probe/broken': async ({ context }: LoaderFunctionArgs) => {
    await context.db.execute(sql`select * from no_such_table where secret = ${'typed-by-the-user-7f3a'}`);
    return json({ ok: true });
  },
};

beforeAll(async () => {
  h = await createTestDb();
  build = withProbeRoutes(await sourceServerBuild(), probes);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await h.close();
});

async function serve(context: OneWindowContext, edge: EdgeOptions = {}): Promise<string> {
  const server = createHttpServer(createApp(build, context, root, edge), context.config).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string };

function request(base: string, method: string, target: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${target}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends up to `total` bytes in 64 KiB chunks without a Content-Length (chunked), as fast as the
 * server takes them, and stops the moment an answer begins. Returns the answer and how many
 * bytes had been handed to the socket by then.
 */
function streamUntilAnswered(base: string, target: string, total: number, headers: Record<string, string>, allowReset = false): Promise<Reply & { sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 'a=bbbbbbbb&');
    const req = http.request(`${base}${target}`, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), sent: sentBeforeAnswer });
        req.destroy();
      });
    });
    // A write can fail (EPIPE) when the server has stopped reading: give its answer a moment to
    // arrive; with `allowReset`, a server that closed the connection without one (status 0) is
    // reported rather than thrown, with how much had been sent by then.
    req.on('error', (e) => {
      if (answered) return;
      setTimeout(() => {
        if (answered) return;
        if (allowReset) resolve({ status: 0, headers: {}, body: '', sent });
        else reject(e);
      }, 2_000);
    });
    // Each write waits until its bytes are handed to the socket: once the server stops reading and
    // the socket buffers are full, the writes stop too, as a browser's upload would.
    const pump = async () => {
      while (!answered && !req.destroyed && sent < total) {
        await new Promise((r) => req.write(chunk, r));
        sent += chunk.length;
      }
      if (!answered) req.end();
    };
    void pump();
  });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
let minutes = 0;
/** A load context on a clock of its own minute, so one server's sign-in attempts do not count against the next's. */
function context(db: Db = h.db, overrides: Partial<OneWindowContext> = {}): OneWindowContext {
  const clock = fixedClock(new Date(Date.parse(TEST_NOW) + 2 * 60_000 * ++minutes).toISOString());
  return { ...appContext(db, clock, testConfig()), ...overrides };
}

describe('methods the portal does not serve', () => {
  it('answers TRACE, PUT, DELETE, PATCH and OPTIONS with 405 and Allow on any path, in the reader\'s language', async () => {
    const base = await serve(context());
    for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const target of ['/', '/login', '/services/hukou-migration/apply', '/build/x.js', '/no/such/page']) {
        const res = await request(base, method, target);
        expect(res.status, `${method} ${target}`).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD, POST');
        if (method !== 'TRACE') continue;
        expect(res.body).toContain('该地址不接受此类请求');
      }
    }
    const en = await request(base, 'TRACE', '/login?lng=en');
    expect(en.body).toContain('This address does not accept this kind of request.');
    expect((await request(base, 'DELETE', '/login', { 'Accept-Language': 'en-US,en;q=0.9' })).body).toContain('does not accept');
  });

  it('still serves GET, HEAD and POST', async () => {
    const base = await serve(context());
    expect((await request(base, 'GET', '/services')).status).toBe(200);
    expect((await request(base, 'HEAD', '/services')).status).toBe(200);
    const post = await request(base, 'POST', '/login', FORM, 'identifier=13800000000&password=wrong-password');
    expect(post.status).toBe(401);
  });

  it('a POST naming another host in X-Forwarded-Host is answered as any other, not a bare 500', async () => {
    for (const trustProxy of [undefined, 1] as const) {
      const base = await serve(context(), { trustProxy });
      const origin = `http://${new URL(base).host}`;
      const post = await request(base, 'POST', '/login', { ...FORM, Origin: origin, 'X-Forwarded-Host': 'evil.example' }, 'identifier=13800000000&password=wrong-password');
      expect(post.status).toBe(401);
    }
  });

  it('a URL over the header limit gets a page saying so in both languages, not a blank 431', async () => {
    const base = await serve(context());
    // Over a bare socket: the test setup's msw intercepts node:http's client, which never hands
    // on an answer given before the request's headers were read.
    const { hostname, port } = new URL(base);
    const reply = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = net.connect(Number(port), hostname, () => socket.write(`GET /services?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`));
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(reply).toMatch(/\r\nContent-Type: text\/html; charset=utf-8\r\n/);
    expect(reply).toContain('网址或请求头过长');
    expect(reply).toContain('too long');
  });

  it('answers a Host that is not a host with 400, not 500', async () => {
    const base = await serve(context());
    expect((await request(base, 'GET', '/services', { Host: 'a/b' })).status).toBe(400);
  });
});

describe('one session lookup per page', () => {
  it('resolves the session once for the root loader and the page\'s, though Remix gives each its own copy of the Request', async () => {
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, fixedClock(), citizen.id);
    // Every statement sent through db.execute (the session lookup's way, services/auth/sessions.ts), counted.
    let executes = 0;
    const db = new Proxy(h.db, {
      get: (target, key, receiver) =>
        key === 'execute'
          ? (...args: unknown[]) => {
              executes++;
              return (target.execute as (...a: unknown[]) => unknown).apply(target, args);
            }
          : Reflect.get(target, key, receiver),
    });
    const base = await serve({ ...appContext(db), production: false });
    const res = await request(base, 'GET', '/probe/actor?_data=routes%2Fprobe.actor', { cookie });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ actor: 'user' });
    executes = 0;
    const page = await request(base, 'GET', '/probe/actor', { cookie });
    expect(page.status).toBe(200);
    expect(executes).toBe(1);
  });
});

describe('request body limits', () => {
  const BIG = 130 * 1024 * 1024;

  it('refuses a form over 64 KiB by its Content-Length with a localized 413, before reading it', async () => {
    const base = await serve(context());
    // The declared length alone decides: the body is never sent, and the answer still comes.
    const answer = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(`${base}/login`, { method: 'POST', headers: { ...FORM, 'Content-Length': String(BIG) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('提交的内容超过本页面允许的大小（64 KB）');
    expect(answer.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('answers a client that asks before sending (Expect: 100-continue) 413 without inviting the body', async () => {
    const base = await serve(context());
    let invited = false;
    const answer = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/login`, { method: 'POST', headers: { ...FORM, 'Content-Length': String(BIG), Expect: '100-continue' } }, (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
      });
      req.on('continue', () => (invited = true));
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer).toBe(413);
    expect(invited).toBe(false);
    // Within the limit the body is invited as usual.
    const small = await new Promise<{ status: number; invited: boolean }>((resolve, reject) => {
      let asked = false;
      const body = 'identifier=13800000000&password=wrong-password';
      const req = http.request(`${base}/login`, { method: 'POST', headers: { ...FORM, 'Content-Length': String(body.length), Expect: '100-continue' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, invited: asked }));
      });
      req.on('continue', () => {
        asked = true;
        req.end(body);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(small).toEqual({ status: 401, invited: true });
  });

  it('cuts off a chunked form at 64 KiB: the 413 arrives long before the 130 MB are sent', async () => {
    const base = await serve(context());
    const res = await streamUntilAnswered(base, '/login?lng=en', BIG, FORM);
    expect(res.status).toBe(413);
    expect(res.body).toContain('What you sent is larger than this page accepts (64 KB)');
    // The server stopped reading at the limit: what got out of the client is socket buffers, not the body.
    expect(res.sent).toBeLessThan(BIG / 4);
  });

  it('answers a ?_data post over the limit with the code as JSON', async () => {
    const base = await serve(context());
    const res = await streamUntilAnswered(base, '/login?_data=routes%2Flogin', 10 * FORM_BODY_LIMIT, FORM);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ code: 'formTooLarge', params: { max: 64 } });
  });

  it('takes a form just under the limit as usual', async () => {
    const base = await serve(context());
    const padding = 'x'.repeat(FORM_BODY_LIMIT - 200);
    const res = await request(base, 'POST', '/login', FORM, `identifier=13800000000&password=wrong-password&pad=${padding}`);
    expect(res.status).toBe(401);
  });

  it('lets an upload route take a legitimate multi-file post near the 30 MiB limit, and cuts off one beyond it', async () => {
    const ctx = context();
    const base = await serve(ctx);
    const citizen = await createApplicant(h.db);
    const cookie = await sessionCookieFor(h.db, ctx.clock, citizen.id);
    // Nine materials of 3.2 MiB each: 28.8 MiB of files in one multipart body.
    const materials = ['hukouBook', 'idCard', 'residenceProof', 'jobTransferProof', 'admissionNotice', 'graduationCertificate', 'employmentAgreement', 'marriageCertificate', 'kinshipProof'];
    const form = new FormData();
    form.append('applicationId', randomUUID());
    form.append('intent', 'save');
    for (const m of materials) form.append(`material.${m}`, files.pdf(`${m}.pdf`, Math.floor(3.2 * 1024 * 1024)));
    const ok = await fetch(`${base}/services/hukou-migration/apply`, { method: 'POST', headers: { Cookie: cookie }, body: form, redirect: 'manual' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toMatch(/\/services\/hukou-migration\/apply\?draft=.*&saved=1$/);
    const stored = fs.readdirSync(ctx.config.uploadDir, { recursive: true }).filter((f) => /[0-9a-f-]{36}$/.test(String(f)));
    expect(stored).toHaveLength(materials.length);

    // Signed out, the route answers before reading the files; the client still gets that answer.
    const anonymous = new FormData();
    anonymous.append('material.hukouBook', files.pdf('hukouBook.pdf', 5 * 1024 * 1024));
    const away = await fetch(`${base}/services/hukou-migration/apply`, { method: 'POST', body: anonymous, redirect: 'manual' });
    expect(away.status).toBe(302);
    expect(away.headers.get('location')).toMatch(/^\/login\?redirectTo=/);

    // Beyond the limit the server stops reading long before the end. Its 413 page usually reaches
    // the client; sometimes the connection closes before the client has read it (a known gap,
    // left open): either way the body is never read whole.
    const over = await streamUntilAnswered(base, '/services/hukou-migration/apply', BIG, { Cookie: cookie, 'Content-Type': 'multipart/form-data; boundary=x' }, true);
    if (over.status !== 0) {
      expect(over.status).toBe(413);
      expect(over.body).toContain('本次上传的文件合计超过 30 MB');
    }
    expect(over.sent).toBeLessThan(BIG / 2);
  });
});

describe('the database out of reach', () => {
  /** A pool whose every connection is refused: 127.0.0.1:1 listens on nothing, on any machine. */
  let down: pg.Pool;
  let cookie: string;
  beforeAll(async () => {
    down = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/onewindow', connectionTimeoutMillis: 2_000 });
    // A session cookie, so the pages must look the session up.
    cookie = (await createCookie('__session', { secrets: [TEST_SECRET], path: '/' }).serialize(randomUUID())).split(';')[0];
  });
  afterAll(() => down.end());

  it('answers pages 503 with Retry-After and a localized "try again" page', async () => {
    const base = await serve(context(drizzle(down) as unknown as Db));
    for (const target of ['/services', '/applications', '/desk']) {
      const res = await request(base, 'GET', target, { Cookie: cookie });
      expect(res.status, target).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body).toContain('服务暂时无法访问，请稍后再试');
    }
    const en = await request(base, 'GET', '/applications?lng=en', { Cookie: cookie });
    expect(en.status).toBe(503);
    expect(en.body).toContain('The service is briefly unavailable');
  });

  it('answers ?_data requests and form posts 503 too', async () => {
    const base = await serve(context(drizzle(down) as unknown as Db));
    const data = await request(base, 'GET', '/applications?_data=root', { Cookie: cookie });
    expect(data.status).toBe(503);
    expect(data.headers['retry-after']).toBe('30');
    expect(JSON.parse(data.body)).toEqual({ code: 'unavailable', params: {} });
    const signIn = await request(base, 'POST', '/login', FORM, 'identifier=13800000000&password=whatever-it-is');
    expect(signIn.status).toBe(503);
    expect(signIn.body).toContain('服务暂时无法访问');
  });
});

describe('errors the app did not expect', () => {
  it('turns a value the database refuses as data (SQLSTATE class 22) into 400, page and ?_data', async () => {
    const base = await serve(context(h.db, { production: true }));
    const page = await request(base, 'GET', '/probe/data-exception');
    expect(page.status).toBe(400);
    expect(page.body).toContain('请求无效');
    const data = await request(base, 'GET', '/probe/data-exception?_data=routes%2Fprobe.data-exception');
    expect(data.status).toBe(400);
    expect(JSON.parse(data.body)).toEqual({ code: 'badRequest', params: {} });
  });

  it('in production mode shows neither the SQL, what the user typed, a stack nor a path, on the page or in ?_data', async () => {
    // The server's log keeps the details (Remix logs the error); only the answer must not.
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const leaks = (body: string) => [/no_such_table/, /typed-by-the-user-7f3a/, /Failed query/, /\bat .+:\d+:\d+/, new RegExp(root.replace(/[/\\.]/g, '\\$&'))].filter((r) => r.test(body));
    const base = await serve(context(h.db, { production: true }));
    const page = await request(base, 'GET', '/probe/broken');
    expect(page.status).toBe(500);
    expect(page.body).toContain('系统繁忙');
    expect(leaks(page.body)).toEqual([]);
    const data = await request(base, 'GET', '/probe/broken?_data=routes%2Fprobe.broken');
    expect(data.status).toBe(500);
    expect(leaks(data.body)).toEqual([]);
    // What the check looks for is really there without production mode.
    const dev = await serve(context(h.db, { production: false }));
    expect(leaks((await request(dev, 'GET', '/probe/broken?_data=routes%2Fprobe.broken')).body).length).toBeGreaterThan(0);
    expect(String(log.mock.calls[0]?.[0])).toContain('no_such_table');
  });
});

describe('the client address', () => {
  /** Eleven failed sign-ins, each claiming another address; the per-address limit allows ten a minute. */
  async function attemptsRefused(base: string, prefix: string) {
    let refused = 0;
    for (let i = 1; i <= 11; i++) {
      const res = await request(base, 'POST', '/login?lng=en', { ...FORM, 'X-Forwarded-For': `${prefix}.${i}` }, `identifier=${makeMobile()}&password=wrong-password`);
      if (res.body.includes('Too many sign-in attempts')) refused += 1;
    }
    return refused;
  }

  it('ignores X-Forwarded-For unless TRUST_PROXY says a proxy sends it', async () => {
    const direct = await serve(context());
    expect(JSON.parse((await request(direct, 'GET', '/probe/ip?_data=routes%2Fprobe.ip', { 'X-Forwarded-For': '203.0.113.9' })).body).ip).toMatch(/127\.0\.0\.1$/);
    // A client naming a new address each time is still one address to the sign-in limit.
    expect(await attemptsRefused(direct, '198.51.100')).toBe(1);

    const proxied = await serve(context(), { trustProxy: 1 });
    expect(JSON.parse((await request(proxied, 'GET', '/probe/ip?_data=routes%2Fprobe.ip', { 'X-Forwarded-For': '203.0.113.9' })).body).ip).toBe('203.0.113.9');
    expect(await attemptsRefused(proxied, '192.0.2')).toBe(0);
  });
});

describe('started the way `npm start` starts it', () => {
  it('the language cookie is Secure in production like the session cookie, and not under npm run dev', async () => {
    for (const production of [true, false]) {
      const base = await serve(context(h.db, { production }));
      const res = await request(base, 'GET', '/?lng=en');
      const lng = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('lng='));
      expect(lng, `production: ${production}`).toBeDefined();
      if (production) expect(lng).toMatch(/;\s*Secure/i);
      else expect(lng).not.toMatch(/Secure/i);
    }
  });

  it('is production: Secure session cookie, HSTS, no details; NODE_ENV=development (npm run dev) is not', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-settings-'));
    try {
      const citizen = await createApplicant(h.db);
      const signIn = async (env: Env) => {
        const settings = serverSettings(env, scratch);
        const base = await serve(context(h.db, { production: settings.production, sessionSecret: settings.sessionSecret }), { trustProxy: settings.trustProxy });
        return request(base, 'POST', '/login', FORM, `identifier=${citizen.mobile}&password=${encodeURIComponent(TEST_PASSWORD)}`);
      };
      const prod = await signIn({});
      expect(prod.status).toBe(302);
      expect(String(prod.headers['set-cookie'])).toMatch(/__session=[^;]+;.*Secure/);
      expect(prod.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      // The secret for the embedded database was generated beside it.
      expect(fs.existsSync(path.join(scratch, '.data', 'session-secret'))).toBe(true);

      const dev = await signIn({ NODE_ENV: 'development' });
      expect(dev.status).toBe(302);
      expect(String(dev.headers['set-cookie'])).not.toMatch(/Secure/);
      expect(dev.headers['strict-transport-security']).toBeUndefined();
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('what a hostile probe of the running server found', () => {
  const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

  it('a field name with a huge list index or a deep path is a 400 at once, not a frozen process or a 500', async () => {
    const base = await serve(context(h.db, { production: true }));
    // Twenty bytes that made conform build (and echo back) a hundred million nulls.
    const sparse = await request(base, 'POST', '/login', FORM_TYPE, 'a%5B99999999%5D=1');
    expect(sparse.status).toBe(400);
    expect(sparse.body.length).toBeLessThan(20_000);
    // 5,000 levels overflowed conform's stack.
    const deep = await request(base, 'POST', '/login', FORM_TYPE, `identifier=x&password=y&a${'.b'.repeat(5000)}=1`);
    expect(deep.status).toBe(400);
    const deepList = await request(base, 'POST', '/signup', FORM_TYPE, `a${'[0]'.repeat(5000)}=1`);
    expect(deepList.status).toBe(400);
    // An ordinary form still goes through.
    expect((await request(base, 'POST', '/login', FORM_TYPE, 'identifier=13800000000&password=wrong-password-1')).status).toBe(401);
  });

  it('a path whose percent-encoding is not UTF-8 is a localized 400, not a 500', async () => {
    const base = await serve(context(h.db, { production: true }));
    for (const target of ['/%FF', '/applications/%ED%A0%80', '/services/%C0%AF', '/%E4%B8', '/%zz']) {
      const zh = await request(base, 'GET', target);
      expect(zh.status, target).toBe(400);
      expect(zh.body).toContain('请求无效');
      const data = await request(base, 'GET', `${target}?_data=root`);
      expect(data.status, target).toBe(400);
      expect(JSON.parse(data.body)).toEqual({ code: 'badRequest', params: {} });
    }
  });

  it('what a form sends back never puts a NUL byte in the page', async () => {
    const base = await serve(context(h.db, { production: true }));
    const page = await request(base, 'GET', '/login?redirectTo=%2Fab%00cd');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('\u0000');
    const refused = await request(base, 'POST', '/login', FORM_TYPE, 'identifier=ab%00cd&password=x');
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body).not.toContain('\u0000');
  });

  it('a URL no route serves and a POST to a page without a form answer with the localized message, not Remix internals', async () => {
    // Error pages load no script (decision 0044), so the message is in the markup, not in inlined route data.
    const errors = JSON.parse(fs.readFileSync(path.join(root, 'locales/zh-CN/errors.json'), 'utf8')) as Record<string, string>;
    const base = await serve(context(h.db, { production: true }));
    const missing = await request(base, 'GET', '/no-such-page-xyz');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<!DOCTYPE html>');
    expect(missing.body).not.toMatch(/No route matches/);
    expect(missing.body).toContain(errors.notFound);
    const post = await request(base, 'POST', '/services', FORM_TYPE, 'a=1');
    expect(post.status).toBe(405);
    expect(post.body).not.toMatch(/did not provide an action/);
    expect(post.body).toContain(errors.methodNotAllowed);
    const postData = await request(base, 'POST', '/services?_data=routes%2Fservices._index', FORM_TYPE, 'a=1');
    expect(postData.status).toBe(405);
    expect(JSON.parse(postData.body)).toEqual({ code: 'methodNotAllowed', params: {} });
  });
});
