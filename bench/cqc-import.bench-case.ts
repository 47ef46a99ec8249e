import fs from 'node:fs/promises'
import path from 'node:path'
import type { Db } from '../src/db/database.ts'
import { systemClock } from '../src/domain/clock.ts'
import { readFileShared } from '../src/jobs/worker-threads.ts'
import { createPreview, type Importer, saveImport } from '../src/modules/directory/index.ts'
import type { BenchCase } from './bench-case.ts'
import { generateCareDirectoryCsv, generatedFileName } from './cqc-fixture.ts'

type Params = { rows: number }
type Input = { file: string; fileName: string }
type State = { fileName: string; content: Buffer }

const by: Importer = { userId: null, organisationId: null }

// The whole import as the web and the command line do it: file bytes → preview → saved rows.
async function importFile(db: Db, state: State) {
  const started = performance.now()
  const preview = await createPreview(db, systemClock, by, {
    fileName: state.fileName,
    content: state.content,
    areaName: null,
    closeMissing: false,
  })
  if (preview.parsed.fileProblems.length) {
    throw new Error(`file rejected: ${preview.parsed.fileProblems.map((p) => p.reason).join('; ')}`)
  }
  const previewed = performance.now()
  await saveImport(db, systemClock, preview.id, by)
  const saved = performance.now()
  return {
    counts: preview.counts,
    previewSeconds: (previewed - started) / 1000,
    saveSeconds: (saved - previewed) / 1000,
  }
}

export const cqcImportCase: BenchCase<Params, Input, State> = {
  id: 'cqc-import',

  async prepare({ rows }, workDir) {
    const generated = generateCareDirectoryCsv(rows)
    const fileName = generatedFileName(rows)
    const file = path.join(workDir, fileName)
    await fs.writeFile(file, generated.content)
    return {
      input: { file, fileName },
      facts: {
        rows,
        bytes: generated.content.length,
        copiesOfFixture: generated.repetitions,
        distinctProviderIds: generated.distinctProviders,
      },
    }
  },

  async load({ file, fileName }) {
    // As `carehub import cqc` reads it: into memory the parsing worker shares.
    return { fileName, content: await readFileShared(file) }
  },

  async run(db, state) {
    return importFile(db, state)
  },

  async verify(db, details) {
    const expected = (details.counts as { create: number }).create
    const saved = await db
      .selectFrom('locations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(saved.n) !== expected)
      throw new Error(`expected ${expected} locations saved, found ${saved.n}`)
    return { locationsSaved: Number(saved.n) }
  },

  // The same import in its two steps, with every query timed.
  async profile(db, state, tools) {
    const timed = tools.timed(db)
    const preview = await tools.phase(
      'createPreview (parse, plan, store the compressed file and the problems CSV)',
      () =>
        createPreview(timed, systemClock, by, {
          fileName: state.fileName,
          content: state.content,
          areaName: null,
          closeMissing: false,
        }),
    )
    tools.note(
      `${state.fileName}: ${(state.content.length / 1e6).toFixed(1)} MB, ${preview.counts.rows} rows: create ${preview.counts.create}, skip ${preview.counts.skip}, errors ${preview.counts.errors}`,
    )
    await tools.phase(
      // COPY goes to the driver beside Kysely, so its time is not among the timed queries: it shows as
      // time with no query in flight (and the CPU profile's idle time).
      'saveImport (plan again, apply with COPY in one transaction)',
      () => saveImport(timed, systemClock, preview.id, by),
    )
  },
}
