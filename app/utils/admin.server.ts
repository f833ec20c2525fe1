import { json } from '@remix-run/node';
import type { Submission } from '@conform-to/react';
import { listOffices, unitsForAdmin } from '#services/admin/offices';
import type { ServiceContext } from '#services/context';
import { isDomainError } from '#services/errors';
import type { ErrorPayload } from '~/utils/errors.server';
import { officeName } from '~/utils/office-name';

// The admin services reach password hashing (argon2, native) through activation codes: routes
// import them from here, a .server module, so the browser bundle never resolves them.
export { createStaffAccount, getStaff, listStaff, resetStaffCredential, setStaffDisabled, updateStaffAccount } from '#services/admin/staff';
import { managerScopesFor } from '#services/admin/staff';
export { closeOffice, createOffice, getOffice, listOffices, unitsForAdmin, updateOffice } from '#services/admin/offices';
export { getAppointmentCapacity, removeDayCapacity, setAppointmentCapacity, setDayCapacity } from '#services/admin/appointment-capacity';
export { createOrgUnit, listOrgUnits } from '#services/admin/org-units';
import { domainErrorResponse } from '~/utils/form-errors.server';

/**
 * Option lists for the admin forms: offices and units in the administrator's tree, in their
 * language, and the manager scopes they may give ('province' at province level only, decision 0040).
 */
export async function adminChoices(ctx: ServiceContext, t: Parameters<typeof officeName>[0], locale: string) {
  const [offices, units, managerScopes] = await Promise.all([listOffices(ctx), unitsForAdmin(ctx), managerScopesFor(ctx)]);
  const en = locale === 'en';
  return {
    offices: offices.filter((o) => !o.closed).map((o) => ({ value: o.code, label: officeName(t, locale, o) })),
    units: units.map((u) => ({ value: u.code, label: `${en ? u.nameEn : u.nameZh} (${u.code})` })),
    managerScopes: managerScopes as string[],
  };
}

/**
 * Runs an admin service call for a form: a 404 (out of scope) is thrown as the page's not-found,
 * any other refusal is the form's answer; other errors propagate.
 */
export async function adminFormCall<T>(submission: Pick<Submission<unknown>, 'reply'>, fn: () => Promise<T>): Promise<{ ok: T } | { response: Response }> {
  try {
    return { ok: await fn() };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (e.status === 404) throw json<ErrorPayload>({ code: e.code, params: e.params }, { status: 404 });
    return { response: domainErrorResponse(submission, e) };
  }
}
