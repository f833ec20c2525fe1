import type { Answers, ServiceDefinition } from '../catalog/types.js';
import { mostSpecificMatch, type OfficeRow } from '../offices/offices.js';

/**
 * Which office handles an application, by the definition's jurisdiction rule: the household
 * registration region, the vehicle's plate, or the office the citizen chose. Returns the field
 * error to show when no office fits, since the fix is always to correct that answer.
 * `candidates`: the offices handling the definition's department (officesHandling).
 */
export function decideOffice(
  candidates: readonly OfficeRow[],
  def: ServiceDefinition,
  answers: Answers,
): { office: OfficeRow } | { field: string; error: string } {
  const j = def.jurisdiction;
  // A vehicle item may route by a region instead of the plate (art. 27 para. 3), as 'hukou' does.
  const { kind, field } = j.kind === 'vehicle' && j.alternative?.when(answers) ? { kind: 'hukou' as const, field: j.alternative.field } : j;
  const value = answers[field];
  if (typeof value !== 'string' || value === '') return { field, error: 'required' };
  switch (kind) {
    case 'hukou': {
      const office = mostSpecificMatch(candidates, value, (o) => o.regionPrefixes);
      return office ? { office } : { field, error: 'apply.noOfficeForRegion' };
    }
    case 'vehicle': {
      const office = mostSpecificMatch(candidates, value, (o) => o.platePrefixes);
      return office ? { office } : { field, error: 'apply.noOfficeForPlate' };
    }
    case 'chosen': {
      const office = candidates.find((o) => o.code === value);
      return office ? { office } : { field, error: 'apply.officeNotHandling' };
    }
  }
}
