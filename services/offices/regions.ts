/**
 * Household-registration regions the demo deployment serves (GB/T 2260). Names are i18n keys
 * `common:regions.<code>`. A real deployment loads its province's list here.
 */
export const REGIONS = ['110101', '110105', '110108', '310101', '310104', '310115'] as const;
export type RegionCode = (typeof REGIONS)[number];
