import type { Db } from '../../db/client.js';
import type { Answers, ServiceDefinition } from '../catalog/types.js';
import { mostSpecificMatch, officesHandling } from '../offices/offices.js';

/**
 * Which office handles an application, by the definition's jurisdiction rule: the household
 * registration region, the vehicle's plate, or the office the citizen chose. Returns the field
 * error to show when no office fits, since the fix is always to correct that answer.
 */
export async function decideOffice(
  db: Db,
  def: ServiceDefinition,
  answers: Answers,
): Promise<{ officeCode: string } | { field: string; error: string }> {
  const { kind, field } = def.jurisdiction;
  const value = answers[field];
  const candidates = await officesHandling(db, def.department);
  if (typeof value !== 'string' || value === '') return { field, error: 'required' };
  switch (kind) {
    case 'hukou': {
      const office = mostSpecificMatch(candidates, value, (o) => o.regionPrefixes);
      return office ? { officeCode: office.code } : { field, error: 'apply.noOfficeForRegion' };
    }
    case 'vehicle': {
      const office = mostSpecificMatch(candidates, value, (o) => o.platePrefixes);
      return office ? { officeCode: office.code } : { field, error: 'apply.noOfficeForPlate' };
    }
    case 'chosen': {
      const office = candidates.find((o) => o.code === value);
      return office ? { officeCode: office.code } : { field, error: 'apply.officeNotHandling' };
    }
  }
}
