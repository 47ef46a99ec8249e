import { type ServiceType, serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import type { Audience } from './domain/audience.ts'

// The audience fields' items for a form (views/audience-fields.njk), with what is chosen checked.
export function audienceItems(
  audience: Audience,
  choices: { areas: string[]; lists: { id: string; name: string }[] },
) {
  const radios = (selected: string, items: [string, string][]) =>
    items.map(([value, label]) => ({ value, text: label, checked: selected === value }))
  return {
    serviceTypeItems: serviceTypes.map((t: ServiceType) => ({
      value: t,
      text: serviceTypeNames[t],
      checked: audience.serviceTypes.includes(t),
    })),
    areaItems: choices.areas.map((a) => ({ value: a, text: a, checked: audience.areas.includes(a) })),
    contractedItems: radios(audience.contracted, [
      ['', 'Contracted or not'],
      ['yes', 'Contracted'],
      ['no', 'Not contracted'],
    ]),
    inAreaItems: radios(audience.inArea, [
      ['', 'In or out of area'],
      ['in', 'In area'],
      ['out', 'Out of area'],
    ]),
    situationItems: radios(audience.situation, [
      ['', 'Any'],
      ['outbreak', 'In outbreak today'],
      ['red', 'Rated red today'],
    ]),
    listItems: [
      { value: '', text: 'No saved list' },
      ...choices.lists.map((l) => ({ value: l.id, text: l.name, selected: audience.listId === l.id })),
    ],
  }
}
