// The clock is injected so that time-based rules can be tested without waiting.
export type Clock = { now: () => Date }

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(
  start: Date,
): Clock & { advanceMinutes: (minutes: number) => void; set: (d: Date) => void } {
  let current = new Date(start)
  return {
    now: () => new Date(current),
    advanceMinutes: (minutes) => {
      current = new Date(current.getTime() + minutes * 60_000)
    },
    set: (d) => {
      current = new Date(d)
    },
  }
}
