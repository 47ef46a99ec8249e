import { defineCapability, type HomePanel } from '../../capability.ts'
import type { Actor } from '../../domain/policy.ts'
import { paths } from '../../web/paths.ts'
import type { DirectoryService } from '../directory/index.ts'
import type { ReturnsService } from '../returns/index.ts'
import { homeRouteAccess } from './home.route-access.ts'
import { homeRoutes } from './home.routes.ts'

// The signed-in home page: the market in brief, or a provider's returns to make today.
// Other capabilities' panels on it (their `homePanels`) stand beside the page's own content.
export const home = defineCapability<{
  directory: DirectoryService
  returns: ReturnsService
  homePagePanels: (actor: Actor) => Promise<HomePanel[]>
}>()({
  name: 'home',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: homeRouteAccess,
  routes: async (app, { directory, returns, homePagePanels }) => {
    await app.register(homeRoutes, { directory, returns, homePagePanels })
  },
  navigation: () => [{ href: paths.home(), text: 'Home', order: 0 }],
})
