import { randomInt } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import type { UserActor } from '../../services/context.js';
import { testHash } from './factories.js';

/**
 * An administrator (h-calitems' helper; h-staff keeps its own). `orgUnitCode` null is the national
 * root administrator. The actor is built here because sessions cannot carry an org unit until the
 * org hierarchy (h-staff) stores one: a session of this user is the root administrator.
 */
export async function createAdmin(db: Db, orgUnitCode: string | null = null): Promise<{ row: typeof users.$inferSelect; actor: UserActor }> {
  const [row] = await db
    .insert(users)
    .values({ role: 'admin', realName: '测试管理员', staffNo: `A${randomInt(100000, 999999)}`, skills: [], passwordHash: await testHash() })
    .returning();
  return { row, actor: { kind: 'user', id: row.id, role: 'admin', officeCode: null, skills: [], managerScope: null, cityCode: null, orgUnitCode } };
}
