import { describe, expect, it } from 'vitest'
import { parseContactForm, parseLocationForm } from './directory.schemas.ts'

const home = {
  name: ' Rowan House ',
  providerName: 'Rowan Care Ltd',
  cqcLocationId: ' 1-123456789 ',
  serviceType: 'care_home_nursing',
  addressLine1: '1 High Street',
  town: '',
  postcode: 'nm12ab',
  area: 'North',
  registeredBeds: '40',
  peopleSupported: '',
  contracted: 'yes',
  inArea: 'out',
  bcpReviewedOn: '2020-04-14',
  nhsmail: 'no',
}

describe('the location form', () => {
  it('gives the details as saved: trimmed, blanks as not known, the postcode spaced', () => {
    expect(parseLocationForm(home, true)).toEqual({
      ok: true,
      value: {
        name: 'Rowan House',
        providerName: 'Rowan Care Ltd',
        cqcLocationId: '1-123456789',
        serviceType: 'care_home_nursing',
        addressLine1: '1 High Street',
        town: null,
        postcode: 'NM1 2AB',
        area: 'North',
        registeredBeds: 40,
        peopleSupported: null,
        contracted: true,
        outOfArea: true,
        bcpReviewedOn: '2020-04-14',
        nhsmail: false,
      },
    })
  })

  it('says what is wrong with each field, in the users’ words', () => {
    const result = parseLocationForm(
      {
        name: '',
        providerName: '',
        cqcLocationId: '12345',
        serviceType: 'castle',
        town: 't'.repeat(101),
        postcode: 'zz',
        registeredBeds: '1.5',
        peopleSupported: '-1',
        bcpReviewedOn: '14/04/2020',
      },
      true,
    )
    expect(result).toEqual({
      ok: false,
      errors: {
        name: 'Enter the location’s name',
        providerName: 'Enter the provider’s name',
        cqcLocationId: 'Enter a CQC location ID like 1-123456789, or leave it blank',
        serviceType: 'Select the type of service',
        town: 'Town must be 100 characters or fewer',
        postcode: 'Enter a real postcode, like NM1 2AB',
        registeredBeds: 'Registered beds must be a whole number, 0 or more',
        peopleSupported: 'People supported must be a whole number, 0 or more',
        bcpReviewedOn: 'Enter the date as YYYY-MM-DD, like 2020-04-14',
      },
    })
  })

  it('asks for a care home’s beds and a real date; a change needs no provider', () => {
    const result = parseLocationForm(
      { ...home, providerName: '', registeredBeds: ' ', bcpReviewedOn: '2020-13-45' },
      false,
    )
    expect(result).toEqual({
      ok: false,
      errors: {
        registeredBeds: 'Enter the number of registered beds for a care home',
        bcpReviewedOn: 'Enter a real date',
      },
    })
    expect(parseLocationForm({ ...home, providerName: '' }, false).ok).toBe(true)
  })
})

describe('the named contact form', () => {
  it('needs a name and a telephone number or an e-mail address', () => {
    expect(parseContactForm({})).toEqual({
      ok: false,
      errors: {
        contactName: 'Enter the contact’s name',
        contactPhone: 'Enter a telephone number or an e-mail address',
      },
    })
  })

  it('checks the number and the address, and their length', () => {
    expect(parseContactForm({ contactName: 'Ann', contactPhone: 'call me', contactEmail: 'ann@' })).toEqual({
      ok: false,
      errors: {
        contactPhone: 'Enter a telephone number, like 01632 960 001',
        contactEmail: 'Enter an e-mail address in the correct format, like name@example.org',
      },
    })
    expect(
      parseContactForm({ contactName: 'Ann', contactJobTitle: 'r'.repeat(201), contactEmail: 'a@b.co' }),
    ).toEqual({ ok: false, errors: { contactJobTitle: 'Role must be 200 characters or fewer' } })
  })

  it('gives the contact as saved: the address in lower case, blanks as none', () => {
    expect(
      parseContactForm({ contactName: ' Ann Lee ', contactJobTitle: '', contactEmail: ' Ann@Example.ORG ' }),
    ).toEqual({
      ok: true,
      value: { name: 'Ann Lee', jobTitle: null, phone: null, email: 'ann@example.org' },
    })
  })
})
