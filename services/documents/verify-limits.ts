/** The largest file the public verify page compares with a signed PDF (decision 0034): the portal's PDFs are tens of kilobytes, a few hundred with many pages. */
export const VERIFY_FILE_LIMIT = 5 * 1024 * 1024;
