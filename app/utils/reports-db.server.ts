import type { AppLoadContext } from '@remix-run/node';
import type { ServiceContext, UserActor } from '#services/context';
import { requireUser } from './session.server';

/**
 * A manager's context for reading reports. The session is checked on the primary, where sessions
 * are written; the figures are read through `context.reportsDb`, a read replica when
 * REPORTS_DATABASE_URL is set (seconds behind the primary), else the primary itself. Only
 * read-only services may take this context: a write through a replica fails.
 */
export async function requireReportReader(request: Request, context: AppLoadContext): Promise<ServiceContext & { actor: UserActor }> {
  const ctx = await requireUser(request, context, ['manager']);
  return { ...ctx, db: context.reportsDb ?? context.db };
}
