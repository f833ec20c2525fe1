/**
 * The desk's three lists. "To work": what the office holds (submitted, under review,
 * supplemented, accepted; queue state waiting or claimed). "Waiting for the citizen": a one-time
 * notice is out (needs_supplement; queue state parked). "Mine": what the clerk holds right now.
 * Browser code imports this (the tabs); keep it free of database and server imports.
 */
export const DESK_TABS = ['work', 'waiting', 'mine'] as const;
export type DeskTab = (typeof DESK_TABS)[number];
