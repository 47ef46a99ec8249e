import { isCareHome } from '../../../../domain/service-types.ts'
import {
  type CqcFileFormat,
  type CqcLocation,
  type ImportProblem,
  isCqcLocationId,
  normalisePostcode,
  normaliseRating,
  type ParsedFile,
  type ParsedRow,
} from './cqc-location.ts'
import { parseCqcDate } from './dates.ts'
import { type CqcField, columnNames } from './headers.ts'
import { bedsProblem, valueProblems } from './limits.ts'
import type { RawRecord } from './raw-record.ts'
import { classifyService, isAdultSocialCareSector } from './service-types.ts'

export function fileProblem(
  format: CqcFileFormat | null,
  reason: string,
  rowNumber: number | null = null,
): ParsedFile {
  return { format, rows: [], fileProblems: [{ rowNumber, column: null, reason }] }
}

// --- Checking each row --------------------------------------------------------------------------

// Checks rows one at a time, remembering each Location ID's first row so that repeats are reported.
export function rowChecker(): (record: RawRecord | ParsedRow) => ParsedRow {
  const firstRowById = new Map<string, number>()
  const shared = sharedTexts()
  return (record) => {
    const row = 'outcome' in record ? record : checkRecord(record, shared)
    if (row.outcome === 'skip' || 'outcome' in record) return row
    const id = row.outcome === 'location' ? row.location.cqcLocationId : row.cqcLocationId
    if (id === null || !isCqcLocationId(id)) return row
    const first = firstRowById.get(id)
    if (first === undefined) {
      firstRowById.set(id, row.rowNumber)
      return row
    }
    const duplicate: ImportProblem = {
      rowNumber: row.rowNumber,
      column: record.columns.locationId ?? columnNames.locationId[0],
      reason: `Location ID ${id} appears more than once in this file (first on row ${first})`,
      value: id,
      cqcLocationId: id,
    }
    const earlier = row.outcome === 'error' ? row.problems : []
    return {
      rowNumber: row.rowNumber,
      outcome: 'error',
      cqcLocationId: id,
      problems: [...earlier, duplicate],
      localAuthorityName:
        row.outcome === 'location' ? row.location.localAuthorityName : row.localAuthorityName,
    }
  }
}

// Many locations share a council, a town, an owner, a provider and their dates: the rows of one file
// share one copy of each such text, and each date is read once. (A national file has about 150
// councils, a few thousand towns and registration dates, one provider to every few locations.)
type SharedTexts = { text(value: string | null): string | null; date(value: string): string | null }

function sharedTexts(): SharedTexts {
  const texts = new Map<string, string>()
  const dates = new Map<string, string | null>()
  return {
    text(value) {
      if (value === null) return null
      const seen = texts.get(value)
      if (seen !== undefined) return seen
      texts.set(value, value)
      return value
    },
    date(value) {
      let parsed = dates.get(value)
      if (parsed === undefined) {
        parsed = parseCqcDate(value)
        dates.set(value, parsed)
      }
      return parsed
    },
  }
}

function checkRecord(record: RawRecord, shared: SharedTexts): ParsedRow {
  const { rowNumber, texts, columns } = record
  const text = (field: CqcField) => texts[field] ?? null
  const columnOf = (field: CqcField) => columns[field] ?? columnNames[field][0]
  const rawId = text('locationId')?.toUpperCase() ?? null
  const name = tidy(text('name'))
  const localAuthorityName = tidy(text('localAuthority'))
  const problems: ImportProblem[] = []
  const problem = (field: CqcField | null, reason: string, value?: string | null) => {
    problems.push({
      rowNumber,
      column: field ? columnOf(field) : null,
      reason,
      ...(value != null ? { value } : {}),
      cqcLocationId: rawId,
    })
  }

  if (record.rowProblem) problem(null, record.rowProblem)
  // A value CareHub cannot store makes the row a problem, whatever else the row is.
  for (const p of valueProblems(texts, columnOf)) problem(p.field, p.reason, p.value)
  if (problems.length > 0) {
    return { rowNumber, outcome: 'error', cqcLocationId: rawId, problems, localAuthorityName }
  }
  if (record.isProvider) {
    return { rowNumber, outcome: 'skip', cqcLocationId: null, name, reason: 'A provider, not a location' }
  }

  const careHome = yesNo(text('careHome'))
  if (careHome === 'invalid') problem('careHome', `${columnOf('careHome')} must be Y or N`, text('careHome'))
  const sector = text('inspectionDirectorate') ?? text('primaryInspectionCategory')
  const adultSocialCareSector =
    isAdultSocialCareSector(text('inspectionDirectorate')) ??
    isAdultSocialCareSector(text('primaryInspectionCategory'))
  const hasCareHomeFlag = careHome === true
  if (record.serviceTypes.length === 0 && !hasCareHomeFlag && adultSocialCareSector === null) {
    problem('serviceTypes', 'Service type is missing, so CareHub cannot tell what kind of service this is')
  }
  const verdict = classifyService({
    serviceTypes: record.serviceTypes,
    careHome: careHome === 'invalid' ? null : careHome,
    adultSocialCareSector,
    sectorName: sector,
  })
  if (!verdict.adultSocialCare && problems.length === 0) {
    return {
      rowNumber,
      outcome: 'skip',
      cqcLocationId: rawId,
      name,
      reason: `Not an adult social care service (${verdict.what})`,
    }
  }

  if (rawId === null) problem('locationId', 'Location ID is missing')
  else if (!isCqcLocationId(rawId)) {
    problem('locationId', 'Location ID must look like 1-123456789 (or an NHS site code such as RX3LD)', rawId)
  }
  if (name === null) problem('name', 'Location name is missing')

  let beds: number | null = null
  const bedsText = text('beds')
  if (bedsText !== null) {
    const bedsWrong = bedsProblem(bedsText, columnOf('beds'))
    if (bedsWrong) problem('beds', bedsWrong, bedsText)
    else beds = Number(bedsText)
  }

  const date = (field: CqcField): string | null => {
    const value = text(field)
    if (value === null) return null
    const parsed = shared.date(value)
    if (parsed === null) {
      problem(
        field,
        `${columnOf(field)} is not a date CareHub recognises (use dd/mm/yyyy or yyyy-mm-dd)`,
        value,
      )
    }
    return parsed
  }
  const registrationStart = date('registrationStart')
  const registrationEnd = date('registrationEnd')
  const publicationDate = date('publicationDate')
  const ratingDate = date('ratingDate')
  const dormancyStart = date('dormancyStart')

  const dormant = yesNo(text('dormant'))
  if (dormant === 'invalid') problem('dormant', `${columnOf('dormant')} must be Y or N`, text('dormant'))

  const status = text('registrationStatus')?.toLowerCase() ?? null
  if (status !== null && status !== 'registered' && status !== 'deregistered') {
    problem(
      'registrationStatus',
      `${columnOf('registrationStatus')} must be Registered or Deregistered`,
      status,
    )
  }

  if (problems.length > 0 || !verdict.adultSocialCare || rawId === null || name === null) {
    return { rowNumber, outcome: 'error', cqcLocationId: rawId, problems, localAuthorityName }
  }

  const cqcRating = normaliseRating(text('rating'))
  const location: CqcLocation = {
    cqcLocationId: rawId,
    cqcProviderId: shared.text(tidy(text('providerId'))?.toUpperCase() ?? null),
    providerName: shared.text(tidy(text('providerName'))),
    providerCompaniesHouseNumber: shared.text(companiesHouseNumber(text('providerCompaniesHouseNumber'))),
    providerOwnership: shared.text(tidy(text('providerOwnership'))),
    name,
    odsCode: tidy(text('odsCode'))?.toUpperCase() ?? null,
    addressLine1: tidy(text('addressLine1')),
    addressLine2: tidy(text('addressLine2')),
    town: shared.text(tidy(text('town'))),
    postcode: normalisePostcode(text('postcode')),
    localAuthorityName: shared.text(localAuthorityName),
    serviceType: verdict.serviceType,
    registeredBeds: isCareHome(verdict.serviceType) ? beds : null,
    cqcRating,
    // A date with no rating is not a rating's date.
    cqcRatingDate: cqcRating ? ratingDate : null,
    // "With filters" repeats the registration date as Publication Date: use it only if the other is blank.
    registrationStart: registrationStart ?? publicationDate,
    registrationEnd,
    dormant: dormant === true,
    // The CQC's own date, so a location dormant since 2023 was not expected to report since then.
    dormancyStart: dormant === true ? dormancyStart : null,
    status: registrationEnd !== null || status === 'deregistered' ? 'closed' : 'open',
  }
  return { rowNumber, outcome: 'location', location }
}

function tidy(value: string | null): string | null {
  if (value === null) return null
  const tidied = value.replace(/\s+/g, ' ').trim()
  return tidied === '' ? null : tidied
}

function yesNo(value: string | null): boolean | null | 'invalid' {
  if (value === null) return null
  const v = value.trim().toLowerCase()
  if (v === 'y' || v === 'yes' || v === 'true') return true
  if (v === 'n' || v === 'no' || v === 'false') return false
  return 'invalid'
}

// Companies House numbers are 8 characters; spreadsheets drop the leading zero of numeric ones.
function companiesHouseNumber(value: string | null): string | null {
  const tidied = tidy(value)?.replace(/\s/g, '').toUpperCase() ?? null
  if (tidied === null) return null
  return /^\d{1,7}$/.test(tidied) ? tidied.padStart(8, '0') : tidied
}
