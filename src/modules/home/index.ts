import { defineCapability } from '../../capability.ts'
import { paths } from '../../web/paths.ts'
import type { DirectoryService } from '../directory/index.ts'
import type { ReturnsService } from '../returns/index.ts'
import { homeRoutes } from './home.routes.ts'

// The signed-in home page: the market in brief, or a provider's returns to make today.
export const home = defineCapability<{ directory: DirectoryService; returns: ReturnsService }>()({
  name: 'home',
  routes: async (app, { directory, returns }) => {
    await app.register(homeRoutes, { directory, returns })
  },
  navigation: () => [{ href: paths.home(), text: 'Home', order: 0 }],
})
