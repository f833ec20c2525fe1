import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { appointmentSettings, calendarDays, calendarYears, itemVersions, offices, orgUnits, users } from './schema/index.js';
import { firstVersions } from '../services/catalog/item-versions.js';
import { hashPassword } from '../services/auth/password.js';
import type { KeyRing } from '../services/auth/secret-box.js';
import { enrollTotp } from '../services/auth/totp.js';
import { APPOINTMENT_SETTINGS, CALENDAR, CALENDAR_YEARS, DEMO_PASSWORD, DEMO_TOTP_SECRETS, DEMO_USERS, OFFICES, ORG_UNITS } from './seed-data.js';

/** When the seeded years count as published: before any filing the portal could have taken. */
const SEEDED_AT = new Date('2025-01-01T00:00:00+08:00');

/** Reference data every deployment needs. Idempotent. */
export async function seedReference(db: Db): Promise<void> {
  await db.insert(orgUnits).values(ORG_UNITS).onConflictDoNothing();
  await db.insert(offices).values(OFFICES).onConflictDoNothing();
  // Demo capacity for booked visits; an office an administrator creates takes none until given a row.
  await db.insert(appointmentSettings).values(APPOINTMENT_SETTINGS).onConflictDoNothing();
  // A year's days come with its row, once: a year the administrator has since edited is never reseeded.
  const added = await db
    .insert(calendarYears)
    .values(CALENDAR_YEARS.map((y) => ({ year: y.year, source: y.source, verified: y.verified, publishedAt: y.published ? SEEDED_AT : null })))
    .onConflictDoNothing()
    .returning({ year: calendarYears.year });
  const years = new Set(added.map((y) => String(y.year)));
  const days = CALENDAR.filter((d) => years.has(d.day.slice(0, 4)));
  if (days.length) await db.insert(calendarDays).values(days).onConflictDoNothing();
  // Version 1 of every item of the list (事项清单): the code's facts, in force since the seeded calendar
  // (docs/decisions/0036). An item added to the code later gets its version 1 at the next start.
  await db.insert(itemVersions).values(firstVersions('2025-01-01', SEEDED_AT)).onConflictDoNothing();
}

/**
 * Demo accounts, created once (when there are no users yet). Returns what was created so the
 * server can print it; [] when the database already had users. The staff's TOTP secrets are
 * sealed under `keys`, which must be the ring the server will run with.
 */
export async function seedDemo(db: Db, keys: KeyRing): Promise<typeof DEMO_USERS> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  if (count > 0) return [];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const created = await db.insert(users).values(
    DEMO_USERS.map((u) => ({
      role: u.role,
      realName: u.realName,
      idNumber: 'idNumber' in u ? u.idNumber : null,
      mobile: 'mobile' in u ? u.mobile : null,
      staffNo: 'staffNo' in u ? u.staffNo : null,
      officeCode: 'officeCode' in u ? u.officeCode : null,
      skills: 'skills' in u ? u.skills : [],
      managerScope: 'managerScope' in u ? u.managerScope : null,
      orgUnitCode: 'orgUnitCode' in u ? u.orgUnitCode : null,
      identityVerified: u.role === 'citizen',
      passwordHash,
    })),
  ).returning({ id: users.id, staffNo: users.staffNo });
  // Staff sign in with a second factor; the demo's secrets are known so the code can be printed.
  for (const u of created) {
    const secret = u.staffNo ? DEMO_TOTP_SECRETS[u.staffNo] : undefined;
    if (secret) await enrollTotp(db, keys, u.id, secret);
  }
  return DEMO_USERS;
}
