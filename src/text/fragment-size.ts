// How long one fragment of text (one request to the service, one engine call) may be.

/** The default upper bound on a fragment's characters: the vendor recommends at most about 250. */
export const MAX_FRAGMENT_CHARS = 250;
/** The smallest bound a caller may ask for: a smaller one is raised to this. */
export const MIN_FRAGMENT_CHARS = 20;
