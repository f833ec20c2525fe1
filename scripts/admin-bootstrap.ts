/**
 * `npm run admin:bootstrap -- --staff-no <no> --name <name>`: creates the first (national root)
 * administrator on a deployment that has none, e.g. one started with SEED_DEMO=false, and prints
 * the one-time activation code to enter at /activate (never a password). Refuses once any
 * administrator exists. Uses DATABASE_URL (or PGLITE_DIR), as the server does.
 */
import { parseArgs } from 'node:util';
import { createDb, migrate } from '../db/client.js';
import { seedReference } from '../db/seed.js';
import { bootstrapRootAdmin } from '../services/admin/bootstrap.js';
import { ACTIVATION_TTL_MS } from '../services/admin/activation.js';
import { defaultConfig, systemClock } from '../services/context.js';
import { isDomainError } from '../services/errors.js';

const { values } = parseArgs({ options: { 'staff-no': { type: 'string' }, name: { type: 'string' } } });
if (!values['staff-no'] || !values.name) {
  console.error('usage: npm run admin:bootstrap -- --staff-no <4–20 letters or digits> --name <real name>');
  process.exit(2);
}
let exitCode = 0;
const handle = await createDb({ url: process.env.DATABASE_URL || undefined, dataDir: process.env.PGLITE_DIR || undefined });
try {
  await migrate(handle);
  await seedReference(handle.db);
  const { activationCode } = await bootstrapRootAdmin({ db: handle.db, clock: systemClock, config: defaultConfig() }, { realName: values.name, staffNo: values['staff-no'] });
  console.log(`Root administrator ${values['staff-no']} created.`);
  console.log(`One-time activation code (valid ${ACTIVATION_TTL_MS / 3_600_000} hours, shown only now): ${activationCode}`);
  console.log('Open /activate, enter the staff number and this code, choose a password and enrol an authenticator app.');
} catch (e) {
  if (isDomainError(e) && e.code === 'admin.bootstrap.exists') {
    console.error('An administrator already exists; nothing was changed. Further administrators are created at /admin/staff.');
    exitCode = 1;
  } else if (isDomainError(e)) {
    console.error(`Refused: ${e.code} (the staff number is 4–20 letters or digits and must be unused; the name must not be empty).`);
    exitCode = 1;
  } else throw e;
} finally {
  await handle.close();
}
// Explicitly: the embedded database's shutdown does not keep process.exitCode.
process.exit(exitCode);
