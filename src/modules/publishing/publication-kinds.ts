import type { Db } from '../../db/database.ts'
import type { PublicationContent } from './domain/content.ts'

// A kind of public output (the action plan's progress report, the provider-support return, grants'
// 360Giving file): what it is called and how its content is built from CareHub's data for one council
// as it stood at an instant. A capability registers its kinds with the publishing service
// (`publishing.registerKind`), and every kind goes through the same check, sign-off and storage.
export type PublicationKind = {
  kind: string
  name: string
  build: (db: Db, councilId: string, at: Date) => Promise<PublicationContent>
  // A kind's own data file, published beside the HTML, DOCX and CSV (grants' 360Giving JSON): built
  // from the same data at the same instant and stored as bytes with the version.
  dataFile?: {
    // The file's name without its version, like "360giving.json"; its media type.
    name: string
    mediaType: string
    build: (db: Db, councilId: string, at: Date) => Promise<Buffer>
  }
}

export function kindRegistry() {
  const kinds = new Map<string, PublicationKind>()
  return {
    register(kind: PublicationKind) {
      if (kinds.has(kind.kind)) throw new Error(`The publication kind ${kind.kind} is registered twice`)
      kinds.set(kind.kind, kind)
    },
    get: (kind: string) => kinds.get(kind),
    all: () => [...kinds.values()],
  }
}
export type KindRegistry = ReturnType<typeof kindRegistry>
