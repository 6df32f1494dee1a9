/** Failures allowed before the first lock. */
export const FREE_ATTEMPTS = 5
const MAX_LOCK_MS = 60 * 60_000

/**
 * How long an account is locked after its `failedAttempts`-th failure in a row: nothing for the
 * first five, then 1 minute, doubling with each further failure, at most an hour.
 */
export function lockoutFor(failedAttempts: number): number {
  if (failedAttempts < FREE_ATTEMPTS) return 0
  return Math.min(MAX_LOCK_MS, 60_000 * 2 ** (failedAttempts - FREE_ATTEMPTS))
}
