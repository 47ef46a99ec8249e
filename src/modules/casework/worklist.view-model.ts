import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import {
  type AlertKind,
  alertKindNames,
  alertKinds,
  type RagValue,
  ragNames,
  rags,
  type WorklistFilter,
  type WorklistQuery,
  worklistOrderNames,
  worklistOrders,
} from './domain/worklist.rules.ts'

// The worklist's filters as the GET form's select boxes, each value with the number of cases it
// would list (the other filters as chosen).
export type WorklistCounts = {
  show: Record<WorklistFilter, number>
  area: Record<string, number>
  serviceType: Record<string, number>
  rag: Record<string, number>
  alertKind: Record<string, number>
}

const withCount = (text: string, count: number | undefined) =>
  `${text} (${(count ?? 0).toLocaleString('en-GB')})`

export function worklistFilterItems(query: WorklistQuery, counts: WorklistCounts) {
  // "All areas" lists what every area's cases add up to (with any case whose location has no area).
  const sum = (byValue: Record<string, number>) => Object.values(byValue).reduce((a, b) => a + b, 0)
  const areas = [
    ...new Set([...Object.keys(counts.area).filter(Boolean), ...(query.area ? [query.area] : [])]),
  ]
  areas.sort((a, b) => a.localeCompare(b))
  return {
    showItems: (['all', 'mine', 'organisation', 'unowned'] as const).map((value) => ({
      value,
      text: withCount(
        { all: 'Anyone or no one', mine: 'Me', organisation: 'My organisation', unowned: 'No one' }[value],
        counts.show[value],
      ),
      selected: value === query.show,
    })),
    areaItems: [
      { value: '', text: withCount('All areas', sum(counts.area)) },
      ...areas.map((a) => ({ value: a, text: withCount(a, counts.area[a]), selected: a === query.area })),
    ],
    serviceTypeItems: [
      { value: '', text: withCount('All service types', sum(counts.serviceType)) },
      ...serviceTypes.map((t) => ({
        value: t,
        text: withCount(serviceTypeNames[t], counts.serviceType[t]),
        selected: t === query.serviceType,
      })),
    ],
    ragItems: [
      { value: '', text: withCount('Any RAG', sum(counts.rag)) },
      ...rags.map((r: RagValue) => ({
        value: r,
        text: withCount(ragNames[r], counts.rag[r]),
        selected: r === query.rag,
      })),
    ],
    alertKindItems: [
      { value: '', text: 'Any kind of alert' },
      ...alertKinds.map((k: AlertKind) => ({
        value: k,
        text: withCount(alertKindNames[k], counts.alertKind[k]),
        selected: k === query.alertKind,
      })),
    ],
    orderItems: worklistOrders.map((o) => ({
      value: o,
      text: worklistOrderNames[o],
      selected: o === query.order,
    })),
  }
}
