/**
 * The production server as `npm run bench` drives it: built once, started as one Node process
 * (server/index.ts with NODE_ENV=production) on its own port and database, and watched for its
 * resident memory while a load runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newKeyRingSpec } from '../services/auth/secret-box.js';
import { newSigningKeySpec } from '../services/documents/signing-keys.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `npm run build` (remix build and the pages' own scripts) into build/ and public/build, once per bench run. */
export function buildApp(log: (s: string) => void): void {
  log('building the app (npm run build) …');
  const res = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`build failed:\n${res.stdout}\n${res.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type BenchServer = {
  /** http://localhost:<port> — the Host and Origin every request carries. */
  url: string;
  pid: number;
  /** SESSION_SECRET, so sessions created beside the server can be put in a signed cookie. */
  sessionSecret: string;
  stop: () => Promise<void>;
};

export type StartOptions = {
  databaseUrl: string;
  uploadDir: string;
  log: (s: string) => void;
  env?: Record<string, string>;
  /** Kept across restarts, so sessions signed for one server process stay valid on the next. */
  sessionSecret?: string;
  /** A fixed port (e.g. one given to this machine's user); a free one otherwise. */
  port?: number;
};

/**
 * Starts server/index.ts as production runs it: NODE_ENV=production (secure cookies, HSTS, the
 * production Remix mode, no simulated systems), its own SESSION_SECRET, migrating and seeding its
 * database. The external systems' URLs point at a closed local port: nothing measured asks them
 * (the filed item needs none, the pages neither), and a request that did would fail loudly rather
 * than be answered by an in-process simulation production does not have. The outbox worker is
 * off, as when it runs as its own process, so what is measured is the route and not the SMS
 * deliveries of earlier requests.
 *
 * `node --import tsx` rather than the tsx CLI, so the pid is the server itself and its memory is
 * the server's.
 */
export const BENCH_KEYS = newKeyRingSpec('bench');
/** Production requires document signing keys too (decision 0034); the same for every server of the run. */
const BENCH_SIGNING_KEYS = newSigningKeySpec('bench');

export async function startServer(opts: StartOptions): Promise<BenchServer> {
  const port = opts.port ?? (await freePort());
  const sessionSecret = opts.sessionSecret ?? randomBytes(32).toString('hex');
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server as measured.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SESSION_SECRET: sessionSecret,
      // Production requires it; nothing beside these servers seals a TOTP secret, so any key will
      // do, but the same one for every server of the run: a fresh server on the same database
      // must open what the first one sealed.
      DATA_ENCRYPTION_KEYS: BENCH_KEYS,
      DOCUMENT_SIGNING_KEYS: BENCH_SIGNING_KEYS,
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      MOCKS: 'false',
      ...Object.fromEntries(
        ['POPULATION_REGISTRY', 'VEHICLE_RECORDS', 'EXIT_ENTRY_CONTROLS', 'SMS_GATEWAY', 'EMAIL_SERVICE', 'E_LICENCE', 'COURIER', 'PAYMENT_PLATFORM'].map((p) => [
          `${p}_URL`,
          'http://127.0.0.1:9',
        ]),
      ),
      // Required without MOCKS since the courier and payment platform (decisions 0032, 0035); never used here.
      COURIER_SIGNING_SECRET: randomBytes(16).toString('hex'),
      COURIER_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
      PAYMENT_MERCHANT_ID: 'bench',
      PAYMENT_SIGNING_KEY: randomBytes(16).toString('hex'),
      OUTBOX_WORKER: 'off',
      UPLOAD_DIR: opts.uploadDir,
      SEED_DEMO: 'true',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://localhost:${port}`;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (dead) throw new Error(`the server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within 120 s:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  opts.log(`server ready on ${url} (pid ${child.pid}, NODE_ENV=production)`);
  return {
    url,
    pid: child.pid!,
    sessionSecret,
    stop: () => stopChild(child, exited),
  };
}

/**
 * One server at a time, started afresh for each measured load: V8 keeps the memory a load made it
 * grow to, so the peak RSS of a load is only its own on a process that has served nothing else
 * (the warm-up aside).
 */
export function serverFactory(opts: StartOptions): { running: () => Promise<BenchServer>; fresh: () => Promise<BenchServer>; stop: () => Promise<void> } {
  const sessionSecret = opts.sessionSecret ?? randomBytes(32).toString('hex');
  let current: BenchServer | null = null;
  const start = async () => (current = await startServer({ ...opts, sessionSecret }));
  return {
    /** The server now running, started if none is. */
    running: async () => current ?? start(),
    async fresh() {
      await current?.stop();
      current = null;
      return start();
    },
    async stop() {
      await current?.stop();
      current = null;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in bytes (0 when it is gone). */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function treeRss(pid: number): number {
  return rssOf(pid) + childrenOf(pid).reduce((s, c) => s + treeRss(c), 0);
}

/**
 * The peak resident memory of a process (and any children) while a load runs: polled every
 * 50 ms, and, where the kernel allows it, the exact high-water mark (VmHWM) after resetting it
 * at the start (`echo 5 > /proc/<pid>/clear_refs`), which catches spikes between polls.
 */
export function watchPeakRss(pid: number): { stop: () => number } {
  let hwmReset = false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    hwmReset = true;
  } catch {
    // not permitted here: polling alone
  }
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, treeRss(pid));
      if (hwmReset) {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) peak = Math.max(peak, Number(m[1]) * 1024 + childrenOf(pid).reduce((s, c) => s + treeRss(c), 0));
        } catch {
          // gone
        }
      }
      return peak;
    },
  };
}

export const mib = (bytes: number | null | undefined) => (bytes ? `${Math.round(bytes / 2 ** 20)} MiB` : '—');

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time a process has used, user + system, in ms (0 when it is gone). */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The PostgreSQL processes of this machine (backends, WAL writer, checkpointer): the server under test is local. */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU ms that PostgreSQL used from now until stop. Backends come and go with their connections
 * (pgbench opens its own and closes them as it exits), so the processes are polled: each counts
 * from when it was first seen (from 0 if it started meanwhile) to its last reading.
 */
function watchPostgresCpu(): { stop: () => number } {
  const seen = new Map<number, { first: number; last: number }>();
  let started = false;
  const poll = () => {
    for (const pid of postgresPids()) {
      const now = cpuMsOf(pid);
      const s = seen.get(pid);
      if (s) s.last = Math.max(s.last, now);
      else seen.set(pid, { first: started ? 0 : now, last: now });
    }
  };
  poll();
  started = true;
  const timer = setInterval(poll, 100);
  return {
    stop() {
      clearInterval(timer);
      poll();
      let total = 0;
      for (const s of seen.values()) total += s.last - s.first;
      return total;
    },
  };
}

/** CPU ms every core of the machine spent busy (not idle or waiting on I/O) since boot. */
export function machineBusyCpuMs(): number {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export type CpuUse = { server: number; postgres: number; client: number; machine: number };

/**
 * CPU ms used during a load by the server (when there is one), PostgreSQL, this process (the load
 * generator) and the whole machine, between start and stop.
 */
export function watchCpu(serverPid: number | null): { stop: () => CpuUse } {
  const self = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const postgres = watchPostgresCpu();
  const start = { server: serverPid ? cpuMsOf(serverPid) : 0, client: self(), machine: machineBusyCpuMs() };
  return {
    stop: () => ({
      server: serverPid ? cpuMsOf(serverPid) - start.server : 0,
      postgres: postgres.stop(),
      client: self() - start.client,
      machine: machineBusyCpuMs() - start.machine,
    }),
  };
}
