/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded PGlite. */
import { createDb, migrate } from './client.js';
import { seedReference } from './seed.js';

const handle = await createDb({ url: process.env.DATABASE_URL || undefined, dataDir: process.env.PGLITE_DIR || undefined });
await migrate(handle);
await seedReference(handle.db);
console.log(`migrated (${handle.engine})`);
await handle.close();
