import type { Db } from '../db/client.js';
import type { Department } from './catalog/types.js';
import { defaultIntegrations, type IntegrationsConfig } from './integrations/config.js';
import { newKeyRingSpec, parseKeyRing, type KeyRing } from './auth/secret-box.js';
import { newSigningKeySpec, parseSigningKeys, type SigningKeyRing } from './documents/signing-keys.js';

export type Role = 'citizen' | 'clerk' | 'manager' | 'admin';

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      id: string;
      role: Role;
      /** Staff only. */
      officeCode: string | null;
      /** Departments a clerk may handle. */
      skills: Department[];
      /** Managers: own office, the whole city, or every city of the province (decision 0040). */
      managerScope: 'office' | 'city' | 'province' | null;
      /** Offices' city code, for city managers. */
      cityCode: string | null;
      /**
       * The province the office's city lies in (the city unit's parent in the hierarchy, else the
       * city code's first two digits: services/offices/offices.ts provinceOfCity), for province
       * managers. Absent on actors made without a session (tools, tests): no province scope.
       */
      provinceCode?: string | null;
      /** Administrators: the org unit they administer (null = the national root administrator). */
      orgUnitCode: string | null;
      /** The account's real name, read with the session (the header shows it masked); absent on actors made without one. */
      realName?: string;
    };

export type UserActor = Extract<Actor, { kind: 'user' }>;

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

export type Config = {
  /** Minutes of inactivity after which a clerk's claim returns to the queue. */
  leaseMinutes: number;
  /** Working days a citizen has to supplement after a one-time notice. */
  supplementDays: number;
  /** Art. 32: working days to notify deficiencies before the application counts as accepted. */
  completenessDays: number;
  /** Where uploaded files are kept. */
  uploadDir: string;
  /** Per-file limit, per-request count and total limits. */
  maxFileBytes: number;
  maxFilesPerRequest: number;
  maxRequestBytes: number;
  /** The systems around the portal and the notification outbox (services/integrations/config.ts). */
  integrations: IntegrationsConfig;
  /** Working days a manager has to follow up a bad review (差评整改). */
  rectificationDays: number;
  /** Keys that seal secrets stored in the database (TOTP); the server reads them from DATA_ENCRYPTION_KEYS. */
  dataKeys: KeyRing;
  /** Keys that sign the PDFs the portal issues (decision 0034); the server reads them from DOCUMENT_SIGNING_KEYS. */
  signingKeys: SigningKeyRing;
  /** Where the public reaches the portal (PUBLIC_URL), without a trailing slash: the QR codes of the PDFs link there. */
  publicUrl: string;
};

/**
 * One random key ring per process for tests and one-off tools that store nothing another
 * process must read; the server always passes the configured ring (server/secrets.ts).
 */
let processKeys: KeyRing | null = null;
const processKeyRing = () => (processKeys ??= parseKeyRing(newKeyRingSpec('process')));
let processSigningKeys: SigningKeyRing | null = null;
const processSigningKeyRing = () => (processSigningKeys ??= parseSigningKeys(newSigningKeySpec('process')));

/** What every service entry point receives: it never reaches for globals. */
export type ServiceContext = {
  db: Db;
  actor: Actor;
  clock: Clock;
  config: Config;
};

export const defaultConfig = (overrides: Partial<Config> = {}): Config => ({
  leaseMinutes: 15,
  supplementDays: 15,
  completenessDays: 5,
  uploadDir: '.data/uploads',
  maxFileBytes: 5 * 1024 * 1024,
  maxFilesPerRequest: 12,
  maxRequestBytes: 30 * 1024 * 1024,
  integrations: defaultIntegrations(),
  rectificationDays: 5,
  publicUrl: 'http://localhost:3000',
  ...overrides,
  signingKeys: overrides.signingKeys ?? processSigningKeyRing(),
  dataKeys: overrides.dataKeys ?? processKeyRing(),
});
