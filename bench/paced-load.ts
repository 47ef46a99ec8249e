import { randomUUID } from 'node:crypto'
import { Pool } from 'undici'
import { type Job, newPhase, type Phase } from './submission-load.ts'

// The morning peak's load generator: one undici pool of keep-alive connections sending the returns at
// a steady rate, each request sent when it is due (every 2 ms, those due by then) and timed from when
// it was due, so a request that waits for a free connection counts that wait (no coordinated
// omission). It shares the two cores with the app and PostgreSQL, so it is kept cheap: bodies built
// beforehand, one pool rather than an autocannon instance per connection (which cost about a quarter
// more CPU a request here, bench/peak-profile.ts with PEAK_GENERATOR=bench), and a response's body
// read only when it is not a 201.
export async function pacedLoad(
  url: string,
  jobs: Job[],
  name: string,
  perSecond: number,
  connections: number,
): Promise<Phase> {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 })
  const phase = newPhase(name)
  const bodies = jobs.map((job) => Buffer.from(job.body))
  const send = async (index: number, dueAt: number) => {
    const job = jobs[index]!
    try {
      const response = await pool.request({
        method: 'POST',
        path: '/api/v1/returns',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${job.token}`,
          'idempotency-key': randomUUID(),
        },
        body: bodies[index],
      })
      const status = response.statusCode
      if (status === 201) await response.body.dump()
      else {
        const text = await response.body.text()
        if (phase.firstError === null) phase.firstError = `${status} ${text.slice(0, 500)}`
      }
      phase.samplesMs.push(performance.now() - dueAt)
      phase.statuses.set(status, (phase.statuses.get(status) ?? 0) + 1)
    } catch (error) {
      if (phase.firstError === null) phase.firstError = String(error)
      phase.statuses.set(0, (phase.statuses.get(0) ?? 0) + 1)
    }
  }
  const started = performance.now()
  const sent: Promise<void>[] = []
  let next = 0
  while (next < jobs.length) {
    const due = Math.min(jobs.length, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1)
    while (next < due) {
      sent.push(send(next, started + (next * 1000) / perSecond))
      next++
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  await Promise.all(sent)
  phase.seconds = (performance.now() - started) / 1000
  phase.to = Date.now()
  await pool.close()
  return phase
}
