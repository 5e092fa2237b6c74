/**
 * Commit SHAs as git and GitHub write them: the one place that says what a SHA looks like (a full
 * one, an abbreviation `triggers why` takes, and the all-zero SHA GitHub sends for a ref that did
 * not exist before a push or no longer exists after it).
 */

/** The SHA GitHub gives as `before` of a push that creates a ref, and as `after` of one that deletes it. */
export const NULL_SHA = '0'.repeat(40);

/** A full commit SHA: 40 lower-case hexadecimal digits. */
export const isCommitSha = (text: string): boolean => /^[0-9a-f]{40}$/.test(text);

/** A commit SHA or an abbreviation of one: 4 to 40 lower-case hexadecimal digits. */
export const isCommitShaPrefix = (text: string): boolean => /^[0-9a-f]{4,40}$/.test(text);

/** The all-zero SHA (any length GitHub has used): no commit. */
export const isNullSha = (text: string): boolean => /^0+$/.test(text);
