import type { LocationPanel } from '../../capability.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import type { DirectoryService } from './directory.service.ts'

// Every capability's panels for a location's page, in the order of src/modules.ts.
export type LocationPagePanels = (actor: Actor, locationId: string) => Promise<LocationPanel[]>

// What the panels add to the page: their links, their templates in order, and each one's variables
// beside the page's own (a name the page already uses is a mistake, found at the first render).
function panelView(panels: LocationPanel[], page: Record<string, unknown>) {
  const view: Record<string, unknown> = {
    panelLinks: panels.flatMap((p) => p.links ?? []),
    panelTemplates: panels.flatMap((p) => (p.template ? [p.template] : [])),
    riskStatusShown: panels.some((p) => p.showsRiskStatus),
  }
  for (const panel of panels) {
    for (const [name, value] of Object.entries(panel.context ?? {})) {
      if (name in page || name in view) throw new Error(`A location panel's ${name} hides another`)
      view[name] = value
    }
  }
  return view
}

// The location page's view: the location as the actor may see it, the other capabilities' panels,
// and `extra` (a notice, or a form shown again with what is wrong). Null when the location is not theirs.
export function locationPage(directory: DirectoryService, panelsFor: LocationPagePanels) {
  return async (actor: Actor, locationId: string, extra: Record<string, unknown>) => {
    const found = await directory.getLocation(actor, locationId)
    if (!found) return null
    const page = {
      pageTitle: found.location.name,
      ...found,
      serviceTypeNames,
      canEdit: can(actor, 'locations:write'),
      ...extra,
    }
    return { ...page, ...panelView(await panelsFor(actor, locationId), page) }
  }
}
