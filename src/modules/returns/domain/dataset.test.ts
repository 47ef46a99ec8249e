import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fullReturn } from '../../../../test/support/returns.fixture.ts'
import { serviceTypes } from '../../../domain/service-types.ts'
import {
  carriedForward,
  countsSinceLastReturn,
  currentDataset,
  datasetVersion,
  derivedMeasures,
  fieldsFor,
  jsonSchemaFor,
  parseReturn,
  templateColumns,
} from './dataset.ts'

const fullCareHomeReturn = (): Record<string, string> => ({ ...fullReturn })

describe('the dataset definition', () => {
  it('asks each service type only what applies to it', () => {
    const home = fieldsFor(currentDataset, 'care_home_residential').map((f) => f.key)
    const agency = fieldsFor(currentDataset, 'home_care').map((f) => f.key)
    expect(home).toContain('bedsOccupied')
    expect(home).not.toContain('hoursDelivered')
    expect(agency).toContain('visitsMissed')
    expect(agency).not.toContain('bedsOccupied')
    expect(datasetVersion(1)).toBe(currentDataset)
    expect(datasetVersion(99)).toBeNull()
  })

  it('keeps zero apart from not reported', () => {
    const result = parseReturn(currentDataset, 'care_home_residential', fullCareHomeReturn())
    expect(result.ok).toBe(true)
    expect(result.values.ppeDaysFfp3Masks).toBe(0)
    expect(result.values.residentsTested).toBeNull()
    expect(result.values.closedToAdmissions).toBe(false)
  })

  it('names the field in every error: missing, negative, non-number, unknown, inconsistent', () => {
    const errorsFor = (change: Record<string, string>) => {
      const result = parseReturn(currentDataset, 'care_home_residential', {
        ...fullCareHomeReturn(),
        ...change,
      })
      return result.ok ? [] : result.errors
    }
    expect(errorsFor({ ppeDaysGloves: '' })).toEqual([
      { field: 'ppeDaysGloves', message: 'Enter the number of days of gloves you have in stock' },
    ])
    expect(errorsFor({ ppeDaysGloves: '-1' })).toEqual([
      { field: 'ppeDaysGloves', message: 'Days of gloves in stock must be 0 or more' },
    ])
    expect(errorsFor({ staffEmployed: 'lots' })).toEqual([
      { field: 'staffEmployed', message: 'Staff employed must be a whole number' },
    ])
    expect(errorsFor({ closedToAdmissions: 'maybe' })).toEqual([
      { field: 'closedToAdmissions', message: 'Whether you are closed to new admissions must be yes or no' },
    ])
    expect(errorsFor({ favouriteColour: 'blue' })).toEqual([
      { field: 'favouriteColour', message: 'favouriteColour is not a field of this return' },
    ])
    expect(errorsFor({ bedsOccupied: '41' })).toEqual([
      { field: 'bedsOccupied', message: 'Beds occupied cannot be more than the beds you can use' },
    ])
    expect(errorsFor({ staffAbsentCovid: '47' })).toEqual([
      { field: 'staffAbsentCovid', message: 'Staff absent cannot be more than staff employed' },
    ])
    expect(
      errorsFor({ covidDeathsResidents: '1', confirmedCasesResidents: '0', suspectedCasesResidents: '0' })[0]!
        .field,
    ).toBe('covidDeathsResidents')
    expect(errorsFor({ helpRequested: 'ppe,money' })[0]!.message).toContain(
      '“money” is not one of the choices',
    )
  })

  it('computes what it need not ask', () => {
    const result = parseReturn(currentDataset, 'care_home_residential', fullCareHomeReturn())
    expect(derivedMeasures(result.values)).toEqual({
      lowestPpeDays: 0,
      vacantBeds: 2,
      staffAbsent: 10,
      staffAbsencePercent: 20,
      newCases: 1,
    })
  })

  it('gives the API a schema and the upload a template from the same definition', () => {
    const schema = jsonSchemaFor(currentDataset, 'home_care')
    expect(Object.keys(schema.properties)).toContain('hoursDelivered')
    expect(Object.keys(schema.properties)).not.toContain('bedsOccupied')
    const columns = templateColumns(currentDataset).map((c) => c.key)
    expect(new Set(columns).size).toBe(columns.length)
    expect(columns).toContain('bedsOccupied')
  })

  it('never accepts a negative number or a non-integer, for any field and service type (property)', () => {
    const numberFields = [
      ...new Set(
        serviceTypes.flatMap((t) =>
          fieldsFor(currentDataset, t)
            .filter((f) => f.type === 'whole-number')
            .map((f) => [t, f.key] as const),
        ),
      ),
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...numberFields),
        fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true, noNaN: true })),
        ([type, key], bad) => {
          const result = parseReturn(currentDataset, type, { [key]: String(bad) })
          return !result.ok && result.errors.some((e) => e.field === key) && result.values[key] === undefined
        },
      ),
    )
  })
})

describe('carriedForward ("nothing changed")', () => {
  it('repeats the state and sets each count of what happened since the last return to 0', () => {
    const previous = {
      ppeDaysGloves: 10,
      residents: 38,
      staffEmployed: 50,
      bedsOccupied: 38,
      confirmedCasesResidents: 1,
      covidDeathsResidents: 1,
      otherDeathsResidents: 0,
      visitsMissed: 4,
      residentsTested: null,
      helpRequested: 'ppe',
    }
    expect(carriedForward(currentDataset, previous)).toEqual({
      ...previous,
      confirmedCasesResidents: 0,
      covidDeathsResidents: 0,
      visitsMissed: 0,
    })
  })

  it('names the counts it sets to 0 for each kind of service', () => {
    const keys = (s: Parameters<typeof countsSinceLastReturn>[1]) =>
      countsSinceLastReturn(currentDataset, s).map((f) => f.key)
    expect(keys('home_care')).toContain('visitsMissed')
    expect(keys('care_home_residential')).not.toContain('visitsMissed')
    expect(keys('care_home_residential')).toEqual(
      expect.arrayContaining(['covidDeathsResidents', 'otherDeathsResidents', 'confirmedCasesStaff']),
    )
    expect(keys('care_home_residential')).not.toContain('staffEmployed')
  })
})
