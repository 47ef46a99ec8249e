#!/usr/bin/env node
// The `carehub` command. It runs dist/carehub.mjs, the app compiled by `npm install`
// (scripts/build-bundle.mjs), while every source file it was made from is unchanged; otherwise (an edit,
// a pull without an install, `npm run dev`'s watch) the TypeScript sources directly through tsx.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')

function bundleIsCurrent() {
  // Under `node --watch` the sources must be what is loaded, for their changes to restart it.
  if (process.env.WATCH_REPORT_DEPENDENCIES) return false
  let sources
  try {
    sources = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'sources.json'), 'utf8'))
  } catch {
    return false
  }
  for (const [file, sha256] of Object.entries(sources)) {
    let text
    try {
      text = fs.readFileSync(path.join(root, file))
    } catch {
      return false
    }
    if (createHash('sha256').update(text).digest('hex') !== sha256) return false
  }
  return true
}

if (bundleIsCurrent()) {
  process.setSourceMapsEnabled(true)
  await import('../dist/carehub.mjs')
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
