import type { ServiceType } from '../../src/domain/service-types.ts'

// Every error message the return form can show, word for word (issue 18, item 3). The words are
// written out here, not built by the code that makes them: a change of wording must change this table.
// Columns: the field, then its message when left blank (null: optional), then when it is not a whole
// number (2.5), below 0 (-1) and over its largest (numbers); or when not yes or no ("maybe"); or not a
// choice ("money"); or too long (text).
export const returnFormMessages: [key: string, missing: string | null, ...invalid: string[]][] = [
  [
    'ppeDaysGloves',
    'Enter the number of days of gloves you have in stock',
    'Days of gloves in stock must be a whole number',
    'Days of gloves in stock must be 0 or more',
    'Days of gloves in stock must be 365 or fewer',
  ],
  [
    'ppeDaysAprons',
    'Enter the number of days of aprons you have in stock',
    'Days of aprons in stock must be a whole number',
    'Days of aprons in stock must be 0 or more',
    'Days of aprons in stock must be 365 or fewer',
  ],
  [
    'ppeDaysTypeIirMasks',
    'Enter the number of days of type IIR surgical masks you have in stock',
    'Days of type IIR surgical masks in stock must be a whole number',
    'Days of type IIR surgical masks in stock must be 0 or more',
    'Days of type IIR surgical masks in stock must be 365 or fewer',
  ],
  [
    'ppeDaysFfp3Masks',
    'Enter the number of days of FFP3 respirators you have in stock',
    'Days of FFP3 respirators in stock must be a whole number',
    'Days of FFP3 respirators in stock must be 0 or more',
    'Days of FFP3 respirators in stock must be 365 or fewer',
  ],
  [
    'ppeDaysEyeProtection',
    'Enter the number of days of eye protection you have in stock',
    'Days of eye protection in stock must be a whole number',
    'Days of eye protection in stock must be 0 or more',
    'Days of eye protection in stock must be 365 or fewer',
  ],
  [
    'ppeDaysHandSanitiser',
    'Enter the number of days of hand sanitiser you have in stock',
    'Days of hand sanitiser in stock must be a whole number',
    'Days of hand sanitiser in stock must be 0 or more',
    'Days of hand sanitiser in stock must be 365 or fewer',
  ],
  [
    'ppeCanObtainMore',
    'Select yes if you can get more PPE from your usual suppliers',
    'Whether you can get more PPE from your usual suppliers must be yes or no',
  ],
  [
    'residents',
    'Enter the number of people living in the service today',
    'Residents today must be a whole number',
    'Residents today must be 0 or more',
    'Residents today must be 100,000 or fewer',
  ],
  [
    'peopleSupported',
    'Enter the number of people you supported this week',
    'People supported this week must be a whole number',
    'People supported this week must be 0 or more',
    'People supported this week must be 100,000 or fewer',
  ],
  [
    'confirmedCasesResidents',
    'Enter the number of new confirmed COVID-19 cases among the people you support',
    'New confirmed COVID-19 cases among the people you support must be a whole number',
    'New confirmed COVID-19 cases among the people you support must be 0 or more',
    'New confirmed COVID-19 cases among the people you support must be 100,000 or fewer',
  ],
  [
    'suspectedCasesResidents',
    'Enter the number of new suspected COVID-19 cases among the people you support',
    'New suspected COVID-19 cases among the people you support must be a whole number',
    'New suspected COVID-19 cases among the people you support must be 0 or more',
    'New suspected COVID-19 cases among the people you support must be 100,000 or fewer',
  ],
  [
    'confirmedCasesStaff',
    'Enter the number of new confirmed COVID-19 cases among staff',
    'New confirmed COVID-19 cases among staff must be a whole number',
    'New confirmed COVID-19 cases among staff must be 0 or more',
    'New confirmed COVID-19 cases among staff must be 100,000 or fewer',
  ],
  [
    'suspectedCasesStaff',
    'Enter the number of new suspected COVID-19 cases among staff',
    'New suspected COVID-19 cases among staff must be a whole number',
    'New suspected COVID-19 cases among staff must be 0 or more',
    'New suspected COVID-19 cases among staff must be 100,000 or fewer',
  ],
  [
    'covidDeathsResidents',
    'Enter the number of deaths from COVID-19 among the people you support',
    'Deaths from COVID-19 among the people you support must be a whole number',
    'Deaths from COVID-19 among the people you support must be 0 or more',
    'Deaths from COVID-19 among the people you support must be 100,000 or fewer',
  ],
  [
    'otherDeathsResidents',
    'Enter the number of other deaths among the people you support',
    'Other deaths among the people you support must be a whole number',
    'Other deaths among the people you support must be 0 or more',
    'Other deaths among the people you support must be 100,000 or fewer',
  ],
  [
    'covidDeathsStaff',
    'Enter the number of deaths from COVID-19 among staff',
    'Deaths from COVID-19 among staff must be a whole number',
    'Deaths from COVID-19 among staff must be 0 or more',
    'Deaths from COVID-19 among staff must be 100,000 or fewer',
  ],
  [
    'staffEmployed',
    'Enter the number of staff employed',
    'Staff employed must be a whole number',
    'Staff employed must be 0 or more',
    'Staff employed must be 100,000 or fewer',
  ],
  [
    'staffAbsentCovid',
    'Enter the number of staff absent for reasons related to COVID-19',
    'Staff absent for reasons related to COVID-19 must be a whole number',
    'Staff absent for reasons related to COVID-19 must be 0 or more',
    'Staff absent for reasons related to COVID-19 must be 100,000 or fewer',
  ],
  [
    'staffAbsentOther',
    'Enter the number of staff absent for other reasons',
    'Staff absent for other reasons must be a whole number',
    'Staff absent for other reasons must be 0 or more',
    'Staff absent for other reasons must be 100,000 or fewer',
  ],
  [
    'agencyStaffUsed',
    'Enter the number of shifts covered by agency staff since your last return',
    'Shifts covered by agency staff must be a whole number',
    'Shifts covered by agency staff must be 0 or more',
    'Shifts covered by agency staff must be 100,000 or fewer',
  ],
  [
    'bedsAvailable',
    'Enter the number of beds you can use today',
    'Beds you can use today must be a whole number',
    'Beds you can use today must be 0 or more',
    'Beds you can use today must be 100,000 or fewer',
  ],
  [
    'bedsOccupied',
    'Enter the number of beds occupied',
    'Beds occupied must be a whole number',
    'Beds occupied must be 0 or more',
    'Beds occupied must be 100,000 or fewer',
  ],
  [
    'closedToAdmissions',
    'Select yes if you are closed to new admissions',
    'Whether you are closed to new admissions must be yes or no',
  ],
  [
    'canAcceptDischarges',
    'Select yes if you can accept people discharged from hospital',
    'Whether you can accept people discharged from hospital must be yes or no',
  ],
  [
    'hoursDelivered',
    'Enter the number of hours of care delivered this week',
    'Hours of care delivered this week must be a whole number',
    'Hours of care delivered this week must be 0 or more',
    'Hours of care delivered this week must be 1,000,000 or fewer',
  ],
  [
    'visitsMissed',
    'Enter the number of visits missed or cancelled this week',
    'Visits missed or cancelled this week must be a whole number',
    'Visits missed or cancelled this week must be 0 or more',
    'Visits missed or cancelled this week must be 100,000 or fewer',
  ],
  [
    'capacityForNewPackages',
    'Select yes if you can take on new packages of care',
    'Whether you can take on new packages of care must be yes or no',
  ],
  [
    'residentsTested',
    null,
    'People you support who were tested must be a whole number',
    'People you support who were tested must be 0 or more',
    'People you support who were tested must be 100,000 or fewer',
  ],
  [
    'staffTested',
    null,
    'Staff tested must be a whole number',
    'Staff tested must be 0 or more',
    'Staff tested must be 100,000 or fewer',
  ],
  ['helpRequested', null, '“money” is not one of the choices for the help you need'],
  ['concerns', null, 'What else the council should know must be 2,000 characters or fewer'],
]

// The rules across fields, with the figures that break each.
export const crossFieldMessages: [
  rule: string,
  serviceType: ServiceType,
  figures: Record<string, string>,
  message: string,
][] = [
  [
    'occupied-within-available',
    'care_home_nursing',
    { bedsAvailable: '10', bedsOccupied: '11' },
    'Beds occupied cannot be more than the beds you can use',
  ],
  [
    'absence-within-staff',
    'care_home_nursing',
    { staffEmployed: '10', staffAbsentCovid: '6', staffAbsentOther: '5' },
    'Staff absent cannot be more than staff employed',
  ],
  [
    'covid-deaths-need-cases',
    'care_home_nursing',
    { covidDeathsResidents: '1', confirmedCasesResidents: '0', suspectedCasesResidents: '0' },
    'Deaths from COVID-19 need a confirmed or suspected case in this return or in your returns of the 28 days before: enter the cases too, or check the number of deaths',
  ],
  [
    'missed-visits-need-hours',
    'home_care',
    { visitsMissed: '2' },
    'Visits missed cannot be reported without the hours delivered',
  ],
]
