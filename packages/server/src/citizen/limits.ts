/**
 * How much the portal shows at once. The heavy benchmark citizen has over 5,000 records; a page
 * of 50 keeps a category list readable on a phone and its server time flat whatever the total.
 */

/** Records per page of a category list. */
export const RECORDS_PER_PAGE = 50;

/** The highest page number accepted (50 × 1,000 = 50,000 records in one category). */
export const MAX_PAGE = 1000;

/** How long the portal's sign-in state (its `state` and return path) waits for the callback: the interaction's bound. */
export const PORTAL_SIGNIN_TTL_S = 30 * 60;
