// `npm install` runs this (package.json's prepare): the app's TypeScript compiled once into one ES module,
// dist/carehub.mjs, which bin/carehub.js starts instead of compiling every file through tsx at each start
// (about 2 s of a first start's CPU). dist/sources.json lists every source file it was made from with its
// SHA-256: bin/carehub.js uses the bundle only while each is unchanged, and runs the sources through tsx
// otherwise, so a stale bundle costs time, never correctness. Plain JavaScript: it runs before anything is
// compiled. A failure here does not fail the install (the start runs the sources instead).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const dist = path.join(root, 'dist')
const posix = (p) => p.split(path.sep).join('/')

// In one bundle import.meta would be the bundle's: each file's own is put back, as a path from dist/ (so
// that views, public files, migrations and worker entries are still found beside the sources).
const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8')
      const file = posix(path.relative(dist, args.path))
      const dir = posix(path.relative(dist, path.dirname(args.path)))
      return {
        contents: text
          .replaceAll('import.meta.url', `new URL(${JSON.stringify(file)}, import.meta.url).href`)
          .replaceAll('import.meta.dirname', `(import.meta.dirname + ${JSON.stringify(`/${dir}`)})`),
        loader: 'ts',
      }
    })
  },
}

try {
  // esbuild comes with tsx (its own dependency): found from there.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild')
  fs.rmSync(dist, { recursive: true, force: true })
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outdir: dist,
    entryNames: 'carehub',
    // Chunks beside the entry: each file's import.meta (above) is a path from dist/.
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    // The commands' lazy imports stay lazy (each a chunk): help need not load the whole app.
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    sourcemap: 'linked',
    plugins: [ownImportMeta],
    logLevel: 'warning',
  })
  const sources = {}
  for (const input of Object.keys(result.metafile.inputs).sort()) {
    sources[input] = createHash('sha256')
      .update(fs.readFileSync(path.join(root, input)))
      .digest('hex')
  }
  fs.writeFileSync(path.join(dist, 'sources.json'), JSON.stringify(sources, null, 1))
  console.log(`CareHub compiled into dist/carehub.mjs (${Object.keys(sources).length} source files).`)
} catch (error) {
  fs.rmSync(dist, { recursive: true, force: true })
  console.warn(`CareHub was not compiled (it will run from its TypeScript sources): ${error.message}`)
}
