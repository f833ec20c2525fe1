/** `npm run db:seed`: reference data plus the demo accounts (only into an empty users table). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataKeysFromEnv } from '../server/secrets.js';
import { createDb, migrate } from './client.js';
import { seedDemo, seedReference } from './seed.js';
import { DEMO_PASSWORD } from './seed-data.js';

const handle = await createDb({ url: process.env.DATABASE_URL || undefined, dataDir: process.env.PGLITE_DIR || undefined });
await migrate(handle);
await seedReference(handle.db);
// The key the server will open the demo staff's TOTP secrets with.
const keys = dataKeysFromEnv(process.env, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const demo = await seedDemo(handle.db, keys);
console.log(demo.length ? `seeded ${demo.length} demo accounts (password ${DEMO_PASSWORD})` : 'users exist; demo accounts not re-seeded');
await handle.close();
