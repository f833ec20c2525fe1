/** Shared by the component and the server check, so the name cannot drift. */
export const HONEYPOT_FIELD = 'website';
