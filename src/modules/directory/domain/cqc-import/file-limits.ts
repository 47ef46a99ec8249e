import type { UploadLimits } from '../../../../domain/spreadsheet-reader.ts'

// What a CQC file may be, from the web or the command line: the whole national register, with room to
// spare (about 50,000 locations in 33 MB as "care directory with filters"). The upload page states the
// size and the rows.
export const cqcImportLimits: UploadLimits = {
  maxBytes: 100 * 1024 * 1024,
  maxRows: 100_000,
  maxColumns: 200,
  maxCellCharacters: 32_767,
  maxUnzippedBytes: 1024 * 1024 * 1024,
}
