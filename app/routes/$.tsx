import { notFoundResponse } from '~/utils/errors.server';
import { NO_SCRIPTS } from '~/utils/page-scripts';

export const handle = NO_SCRIPTS;

/**
 * Every URL no other route matches. Without it Remix answers with its own 404, whose page data
 * carries its internal message ("No route matches URL …", the typed path) and whose error is
 * logged with a stack; this is the localized not-found page every other refusal shows (the root
 * error boundary), for a GET and a POST alike.
 */
export function loader(): never {
  throw notFoundResponse();
}

export function action(): never {
  throw notFoundResponse();
}

/** A page module (not a resource route), so a document request gets the root error boundary's HTML. */
export default function NotFound() {
  return null;
}
