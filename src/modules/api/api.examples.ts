import { apiPaths } from './api.paths.ts'
import { problemTypes } from './problem.ts'

// The API document's examples. The API tests send these very submissions, so the documentation cannot
// drift from what the API accepts.

// A complete return for a care home without nursing, as a care-record system would send it.
export const exampleSubmission = {
  locationId: '1-000000001',
  periodStart: '2020-04-14',
  values: {
    ppeDaysGloves: 10,
    ppeDaysAprons: 8,
    ppeDaysTypeIirMasks: 2,
    ppeDaysFfp3Masks: 0,
    ppeDaysEyeProtection: 14,
    ppeDaysHandSanitiser: 21,
    ppeCanObtainMore: true,
    residents: 38,
    confirmedCasesResidents: 1,
    suspectedCasesResidents: 2,
    confirmedCasesStaff: 0,
    suspectedCasesStaff: 1,
    covidDeathsResidents: 0,
    otherDeathsResidents: 0,
    covidDeathsStaff: 0,
    staffEmployed: 50,
    staffAbsentCovid: 6,
    staffAbsentOther: 4,
    agencyStaffUsed: 3,
    bedsAvailable: 40,
    bedsOccupied: 38,
    closedToAdmissions: false,
    canAcceptDischarges: true,
    residentsTested: null,
    staffTested: 12,
    helpRequested: ['ppe'],
    concerns: 'Masks running low',
  },
} as const

// A nil return: the same home, closed for the period, with no figures.
export const exampleNilSubmission = {
  locationId: '1-000000001',
  periodStart: '2020-04-15',
  nilReturn: {
    reason: 'temporarily-closed',
    details: 'Closed for refurbishment until 4 May; no residents',
  },
} as const

export const exampleCreated = {
  id: '7d0c3d8e-2f0a-4a53-9d4e-4f5b8d6e1c2a',
  locationId: '5b1f6c1e-9a7d-4d0e-8c3b-2e6f4a9d7b10',
  periodStart: '2020-04-14',
  version: 1,
}

export const exampleValidationProblem = {
  type: `${apiPaths.apiDocs.build()}#validation-failed`,
  title: problemTypes['validation-failed'].title,
  status: 422,
  detail: 'The return has errors: nothing was saved.',
  errors: [
    {
      field: 'bedsOccupied',
      pointer: '/values/bedsOccupied',
      message: 'Beds occupied cannot be more than the beds you can use',
    },
  ],
}
