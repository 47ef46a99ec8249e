import type { DatasetDefinition, DatasetField, ReturnValue, ReturnValues } from './dataset.ts'

// Version 1 of the dataset: what a return asks, field by field, and the rules across fields. A new
// version is a new file beside it, listed in dataset.ts; stored returns name the version they used.

const careHomes = ['care_home_nursing', 'care_home_residential'] as const
const residential = ['care_home_nursing', 'care_home_residential', 'supported_living', 'extra_care'] as const
const homeCare = ['home_care'] as const
// Each field's error words are written for it (dataset.ts, `errorWords`): a number's `missing` is
// "Enter the number of …", a yes/no question's "Select yes if …"; `name` starts "… must be 0 or more".
type Words = DatasetField['errorWords']
const num = (
  key: string,
  label: string,
  errorWords: Words,
  extra: Partial<DatasetField> = {},
): DatasetField => ({
  key,
  label,
  errorWords,
  type: 'whole-number',
  appliesTo: 'all',
  required: true,
  max: 100_000,
  ...extra,
})
// Figures that count what happened since the last return: never carried forward by "nothing changed".
const sinceLastReturn = { countsSinceLastReturn: true } as const
const yesNo = (
  key: string,
  label: string,
  errorWords: Words,
  extra: Partial<DatasetField> = {},
): DatasetField => ({
  key,
  label,
  errorWords,
  type: 'yes-no',
  appliesTo: 'all',
  required: true,
  ...extra,
})

export const ppeItems = [
  ['Gloves', 'gloves'],
  ['Aprons', 'aprons'],
  ['TypeIirMasks', 'type IIR surgical masks'],
  ['Ffp3Masks', 'FFP3 respirators'],
  ['EyeProtection', 'eye protection'],
  ['HandSanitiser', 'hand sanitiser'],
] as const

export const helpKinds = [
  { value: 'ppe', label: 'PPE' },
  { value: 'staffing', label: 'Staffing' },
  { value: 'infection_control', label: 'Infection control advice' },
  { value: 'finance', label: 'Finance' },
  { value: 'other', label: 'Something else' },
] as const

const present = (v: ReturnValue | undefined): v is number => typeof v === 'number'
const atMost = (a: string, b: string) => (v: ReturnValues) =>
  !(present(v[a]) && present(v[b])) || (v[a] as number) <= (v[b] as number)

export const datasetV1: DatasetDefinition = {
  version: 1,
  sections: [
    {
      key: 'ppe',
      title: 'PPE',
      fields: [
        ...ppeItems.map(([key, name]) =>
          num(
            `ppeDays${key}`,
            `Days of ${name} in stock`,
            {
              missing: `Enter the number of days of ${name} you have in stock`,
              name: `Days of ${name} in stock`,
            },
            { unit: 'days', hint: 'At your normal rate of use. Enter 0 if you have none.', max: 365 },
          ),
        ),
        yesNo('ppeCanObtainMore', 'Can you get more PPE from your usual suppliers?', {
          missing: 'Select yes if you can get more PPE from your usual suppliers',
          name: 'Whether you can get more PPE from your usual suppliers',
        }),
      ],
    },
    {
      key: 'people',
      title: 'People you support',
      fields: [
        num(
          'residents',
          'Residents today',
          { missing: 'Enter the number of people living in the service today', name: 'Residents today' },
          { appliesTo: residential, hint: 'People living in the service today' },
        ),
        num(
          'peopleSupported',
          'People supported this week',
          {
            missing: 'Enter the number of people you supported this week',
            name: 'People supported this week',
          },
          { appliesTo: homeCare },
        ),
      ],
    },
    {
      key: 'covid',
      title: 'COVID-19 cases and deaths',
      fields: [
        num(
          'confirmedCasesResidents',
          'New confirmed COVID-19 cases among the people you support',
          {
            missing: 'Enter the number of new confirmed COVID-19 cases among the people you support',
            name: 'New confirmed COVID-19 cases among the people you support',
          },
          { ...sinceLastReturn, hint: 'Since your last return' },
        ),
        num(
          'suspectedCasesResidents',
          'New suspected COVID-19 cases among the people you support',
          {
            missing: 'Enter the number of new suspected COVID-19 cases among the people you support',
            name: 'New suspected COVID-19 cases among the people you support',
          },
          { ...sinceLastReturn, hint: 'Since your last return' },
        ),
        num(
          'confirmedCasesStaff',
          'New confirmed COVID-19 cases among staff',
          {
            missing: 'Enter the number of new confirmed COVID-19 cases among staff',
            name: 'New confirmed COVID-19 cases among staff',
          },
          sinceLastReturn,
        ),
        num(
          'suspectedCasesStaff',
          'New suspected COVID-19 cases among staff',
          {
            missing: 'Enter the number of new suspected COVID-19 cases among staff',
            name: 'New suspected COVID-19 cases among staff',
          },
          sinceLastReturn,
        ),
        num(
          'covidDeathsResidents',
          'Deaths from COVID-19 among the people you support',
          {
            missing: 'Enter the number of deaths from COVID-19 among the people you support',
            name: 'Deaths from COVID-19 among the people you support',
          },
          { ...sinceLastReturn, hint: 'Since your last return, confirmed or suspected' },
        ),
        num(
          'otherDeathsResidents',
          'Other deaths among the people you support',
          {
            missing: 'Enter the number of other deaths among the people you support',
            name: 'Other deaths among the people you support',
          },
          sinceLastReturn,
        ),
        num(
          'covidDeathsStaff',
          'Deaths from COVID-19 among staff',
          {
            missing: 'Enter the number of deaths from COVID-19 among staff',
            name: 'Deaths from COVID-19 among staff',
          },
          sinceLastReturn,
        ),
      ],
    },
    {
      key: 'staffing',
      title: 'Staffing',
      fields: [
        num(
          'staffEmployed',
          'Staff employed',
          { missing: 'Enter the number of staff employed', name: 'Staff employed' },
          { hint: 'Everyone on your payroll who works at this location' },
        ),
        num(
          'staffAbsentCovid',
          'Staff absent for reasons related to COVID-19',
          {
            missing: 'Enter the number of staff absent for reasons related to COVID-19',
            name: 'Staff absent for reasons related to COVID-19',
          },
          { hint: 'Ill, self-isolating or shielding' },
        ),
        num('staffAbsentOther', 'Staff absent for other reasons', {
          missing: 'Enter the number of staff absent for other reasons',
          name: 'Staff absent for other reasons',
        }),
        num(
          'agencyStaffUsed',
          'Agency staff used',
          {
            missing: 'Enter the number of shifts covered by agency staff since your last return',
            name: 'Shifts covered by agency staff',
          },
          { ...sinceLastReturn, hint: 'Shifts covered by agency staff since your last return' },
        ),
      ],
    },
    {
      key: 'beds',
      title: 'Beds and admissions',
      fields: [
        num(
          'bedsAvailable',
          'Beds you can use today',
          { missing: 'Enter the number of beds you can use today', name: 'Beds you can use today' },
          { appliesTo: careHomes, hint: 'Registered beds you can staff and use' },
        ),
        num(
          'bedsOccupied',
          'Beds occupied',
          { missing: 'Enter the number of beds occupied', name: 'Beds occupied' },
          { appliesTo: careHomes },
        ),
        yesNo(
          'closedToAdmissions',
          'Are you closed to new admissions?',
          {
            missing: 'Select yes if you are closed to new admissions',
            name: 'Whether you are closed to new admissions',
          },
          { appliesTo: careHomes },
        ),
        yesNo(
          'canAcceptDischarges',
          'Can you accept people discharged from hospital?',
          {
            missing: 'Select yes if you can accept people discharged from hospital',
            name: 'Whether you can accept people discharged from hospital',
          },
          { appliesTo: careHomes },
        ),
      ],
    },
    {
      key: 'homeCare',
      title: 'Home care visits',
      fields: [
        num(
          'hoursDelivered',
          'Hours of care delivered this week',
          {
            missing: 'Enter the number of hours of care delivered this week',
            name: 'Hours of care delivered this week',
          },
          { appliesTo: homeCare, unit: 'hours', max: 1_000_000 },
        ),
        num(
          'visitsMissed',
          'Visits missed or cancelled this week',
          {
            missing: 'Enter the number of visits missed or cancelled this week',
            name: 'Visits missed or cancelled this week',
          },
          { ...sinceLastReturn, appliesTo: homeCare },
        ),
        yesNo(
          'capacityForNewPackages',
          'Can you take on new packages of care?',
          {
            missing: 'Select yes if you can take on new packages of care',
            name: 'Whether you can take on new packages of care',
          },
          { appliesTo: homeCare },
        ),
      ],
    },
    {
      // Optional: the council does not watch them day by day, and not every service tests every day.
      key: 'testing',
      title: 'Testing',
      fields: [
        num(
          'residentsTested',
          'People you support who were tested',
          { name: 'People you support who were tested' },
          { ...sinceLastReturn, hint: 'Since your last return', required: false },
        ),
        num(
          'staffTested',
          'Staff tested',
          { name: 'Staff tested' },
          { ...sinceLastReturn, hint: 'Since your last return', required: false },
        ),
      ],
    },
    {
      key: 'help',
      title: 'Help and concerns',
      fields: [
        {
          key: 'helpRequested',
          label: 'Do you need help with any of these?',
          errorWords: { name: 'The help you need' },
          type: 'choice',
          appliesTo: 'all',
          required: false,
          choices: helpKinds,
        },
        {
          key: 'concerns',
          label: 'Anything else the council should know?',
          errorWords: { name: 'What else the council should know' },
          hint: 'Do not include people’s names.',
          type: 'text',
          appliesTo: 'all',
          required: false,
          max: 2000,
        },
      ],
    },
  ],
  rules: [
    {
      key: 'occupied-within-available',
      field: 'bedsOccupied',
      appliesTo: careHomes,
      message: 'Beds occupied cannot be more than the beds you can use',
      check: atMost('bedsOccupied', 'bedsAvailable'),
    },
    {
      key: 'absence-within-staff',
      field: 'staffAbsentCovid',
      appliesTo: 'all',
      message: 'Staff absent cannot be more than staff employed',
      check: (v) =>
        !(present(v.staffEmployed) && present(v.staffAbsentCovid) && present(v.staffAbsentOther)) ||
        (v.staffAbsentCovid as number) + (v.staffAbsentOther as number) <= (v.staffEmployed as number),
    },
    {
      key: 'covid-deaths-need-cases',
      field: 'covidDeathsResidents',
      appliesTo: 'all',
      // A death may follow a case reported days before, so the location's last 28 days count too:
      // refusing anything else made managers record COVID-19 deaths as "other deaths" (issue 17, item 9).
      message:
        'Deaths from COVID-19 need a confirmed or suspected case in this return or in your returns of the 28 days before: enter the cases too, or check the number of deaths',
      readsHistory: true,
      check: (v, history) =>
        !present(v.covidDeathsResidents) ||
        v.covidDeathsResidents === 0 ||
        (history.residentCasesInLast28Days ?? 0) > 0 ||
        (present(v.confirmedCasesResidents) &&
          present(v.suspectedCasesResidents) &&
          (v.confirmedCasesResidents as number) + (v.suspectedCasesResidents as number) > 0),
    },
    {
      key: 'missed-visits-need-hours',
      field: 'visitsMissed',
      appliesTo: homeCare,
      message: 'Visits missed cannot be reported without the hours delivered',
      check: (v) => !present(v.visitsMissed) || present(v.hoursDelivered),
    },
  ],
}
