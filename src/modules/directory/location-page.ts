import type { LocationPanel } from '../../capability.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { panelView } from '../../web/panels.ts'
import type { DirectoryService } from './directory.service.ts'

// Every capability's panels for a location's page, in the order of src/modules.ts.
export type LocationPagePanels = (actor: Actor, locationId: string) => Promise<LocationPanel[]>

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
