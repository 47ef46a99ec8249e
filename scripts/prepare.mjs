// `npm install` runs this (package.json's prepare): the app compiled (build-bundle.mjs), then the demo
// county's database made for today's first start (`carehub prepare-demo`, src/db/seed/prepared-demo.ts),
// in a process of its own, with the app just compiled. Neither can fail the install: without the bundle
// the app runs from its sources, without the prepared demo the first start loads the demo itself
// (about 6 s more). Skipped where no demo will load: DEMO=off, or PostgreSQL without DEMO=on.
import { spawnSync } from 'node:child_process'
import path from 'node:path'

await import('./build-bundle.mjs')

const env = process.env
if (env.DEMO === 'off' || (env.DATABASE_URL && env.DEMO !== 'on')) {
  console.log('The demo county was not prepared: no demo loads with this DEMO or DATABASE_URL.')
} else {
  const carehub = path.resolve(import.meta.dirname, '..', 'bin', 'carehub.js')
  const made = spawnSync(process.execPath, [carehub, 'prepare-demo'], { stdio: 'inherit' })
  if (made.status !== 0)
    console.warn(
      `The demo county was not prepared (${made.error?.message ?? `exit ${made.status ?? made.signal}`}): the first start will load it instead.`,
    )
}
