import type { LoaderFunctionArgs } from '@remix-run/node';
import { isApplicationNumber, isServiceCode, isUuid } from '#services/validation/ids';
import { notFoundResponse } from '~/utils/errors.server';

/**
 * Path parameters, one reader per kind of id. A value that cannot be an id of its kind names
 * nothing: the localized 404 the service would have given, thrown before any query (a NUL or a
 * malformed uuid would otherwise fail inside PostgreSQL, a 500). Routes call these after their
 * role check, so a signed-out visitor is still sent to sign in first.
 */
type Params = LoaderFunctionArgs['params'];

export function applicationNumberParam(params: Params, notFoundCode: 'application.notFound' | 'review.applicationNotFound'): string {
  const number = params.number;
  if (!isApplicationNumber(number)) throw notFoundResponse(notFoundCode);
  return number;
}

export function fileIdParam(params: Params): string {
  const id = params.id;
  if (!isUuid(id)) throw notFoundResponse('file.notFound');
  return id;
}

/**
 * The 404 does not repeat the code asked for: a link can carry any text ("/services/请拨打010-…/apply"),
 * and an error page in the portal's voice must not print it as if the portal said it.
 */
export function serviceCodeParam(params: Params): string {
  const code = params.code ?? '';
  if (!isServiceCode(code)) throw notFoundResponse('service.notFound');
  return code;
}

/** A calendar year in a path (/admin/calendar/2027): four digits, or the 404 a missing year gets. */
export function yearParam(params: Params): number {
  const year = params.year ?? '';
  if (!/^\d{4}$/.test(year)) throw notFoundResponse('calendar.yearNotFound');
  return Number(year);
}

export function staffIdParam(params: Params): string {
  const id = params.id;
  if (!isUuid(id)) throw notFoundResponse('admin.staff.notFound');
  return id;
}

/** Office codes as services/admin/schemas.ts accepts them (e.g. bj-dongcheng). */
export function officeCodeParam(params: Params): string {
  const code = params.code ?? '';
  if (!/^[a-z]{2}-[a-z0-9-]{1,40}$/.test(code)) throw notFoundResponse('admin.office.notFound');
  return code;
}
