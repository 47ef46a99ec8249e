import { SingleBar } from 'cli-progress'

// The demo county's steps, in the order they load, each with its rough share of the time (per cent of
// the CPU time, as measured loading the 800 locations on PGlite with the returns by COPY, issue 27), so
// that a bar moves about evenly.
export const demoSteps = {
  directory: { label: 'providers and locations', weight: 11 },
  returns: { label: 'twelve weeks of returns', weight: 60 },
  people: { label: 'users, contacts, enquiries and cases', weight: 3 },
  capabilities: { label: 'support, money, plans and communications', weight: 21 },
  risk: { label: 'risk rules over the returns', weight: 3 },
  welfare: { label: 'welfare checks and continuity plans', weight: 2 },
} as const
export type DemoStep = keyof typeof demoSteps
// Told as each step starts, and during a long one how much of it is done (0 to 1).
export type DemoProgress = (step: DemoStep, fraction?: number) => void

const stepNames = Object.keys(demoSteps) as DemoStep[]
const weightOf = (steps: DemoStep[]) => steps.reduce((sum, step) => sum + demoSteps[step].weight, 0)
const total = weightOf(stepNames)

// How much of the whole load is done, in per cent, when `fraction` of `step` is.
export function percentDone(step: DemoStep, fraction = 0): number {
  const before = weightOf(stepNames.slice(0, stepNames.indexOf(step)))
  return Math.round((100 * (before + demoSteps[step].weight * fraction)) / total)
}

// Where the progress goes: standard output, or any stream like it.
type Output = { isTTY?: boolean; write: (text: string) => unknown }

// The first start's progress on the terminal: a bar on a TTY, else one line per step (a log file, a
// container). `end` after the load, whether or not it finished.
export function demoProgressReporter(out: Output = process.stdout): {
  step: DemoProgress
  end: (finished: boolean) => void
} {
  if (!out.isTTY)
    return {
      // A line as each step starts.
      step: (step, fraction) => {
        if (fraction === undefined) out.write(`Loading the demo county: ${demoSteps[step].label}\n`)
      },
      end: () => {},
    }
  const bar = new SingleBar({
    format: 'Loading the demo county {bar} {percentage}% | {step}',
    hideCursor: true,
    stream: out as NodeJS.WriteStream,
  })
  let started = false
  return {
    step(step, fraction) {
      const done = percentDone(step, fraction)
      if (!started) bar.start(100, done, { step: demoSteps[step].label })
      else bar.update(done, { step: demoSteps[step].label })
      started = true
    },
    end(finished) {
      if (!started) return
      if (finished) bar.update(100, { step: 'loaded' })
      bar.stop()
    },
  }
}

// Loads with the progress shown, and the bar ended however the load ends.
export async function withDemoProgress<T>(
  load: (progress: DemoProgress) => Promise<T>,
  out?: Output,
): Promise<T> {
  const reporter = demoProgressReporter(out)
  let finished = false
  try {
    const result = await load(reporter.step)
    finished = true
    return result
  } finally {
    reporter.end(finished)
  }
}
