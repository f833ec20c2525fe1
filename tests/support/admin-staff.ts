import { randomInt } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import type { Actor } from '../../services/context.js';

/**
 * An administrator of `orgUnitCode` (null: the national root), with the factories' test password
 * hash unset (tests give admins sessions directly, sessionCookieFor). Kept out of factories.ts:
 * the calendar/catalog administration has its own helper.
 */
export async function createAdmin(db: Db, orgUnitCode: string | null = '1101') {
  const [row] = await db
    .insert(users)
    .values({ role: 'admin', realName: '测试管理员', staffNo: `A${randomInt(100000, 999999)}`, orgUnitCode, passwordHash: '!' })
    .returning();
  return row;
}

export function adminActor(user: { id: string; orgUnitCode: string | null }): Actor {
  return { kind: 'user', id: user.id, role: 'admin', officeCode: null, skills: [], managerScope: null, cityCode: null, orgUnitCode: user.orgUnitCode };
}
