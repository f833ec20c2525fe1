/**
 * Links to the file route (app/routes/files.$id.ts), shared by pages and the route's tests.
 * Browser-safe: no server import.
 */

/** The file as a download (an attachment; also what an `<img>` loads). */
export function fileHref(id: string): string {
  return `/files/${id}`;
}

/**
 * A PDF shown in place: the review page's frame, and its "open in full" link (decision 0041).
 * The route answers any other type as a download.
 */
export function inlineFileHref(id: string): string {
  return `/files/${id}?view=inline`;
}
