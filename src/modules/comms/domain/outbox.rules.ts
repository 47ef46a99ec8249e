// Retry with backoff: a failed e-mail is tried again later, never dropped.
export function nextAttemptDelaySeconds(attempts: number): number {
  // 30 s, 1 min, 2 min, 4 min … capped at 1 hour.
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600)
}

// After this many attempts the message is shown to the admin as failing, but still retried hourly.
export const attemptsBeforeShownAsFailing = 5
