import type { FastifyInstance } from 'fastify'
import type { HomePanel } from '../../capability.ts'
import type { Actor } from '../../domain/policy.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { panelView } from '../../web/panels.ts'
import { webPaths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { DirectoryService } from '../directory/index.ts'
import type { ReturnsService } from '../returns/index.ts'

export async function homeRoutes(
  app: FastifyInstance,
  options: {
    directory: DirectoryService
    returns: ReturnsService
    homePagePanels: (actor: Actor) => Promise<HomePanel[]>
  },
) {
  // The home page's path is the shell's own (web/paths.ts): its header, error pages and sign-in lead there.
  app.get(webPaths.home.pattern, { preHandler: requireSignIn }, async (request, reply) => {
    const actor = signedInActor(request)
    const summary = (await options.directory.summary(actor)) ?? []
    // A provider manager's home is their list of returns to make today.
    const ownLocations = await options.returns.todaysReturns(actor)
    const page = {
      pageTitle: 'Home',
      summary,
      totals: summary.reduce((t, r) => ({ locations: t.locations + r.locations, beds: t.beds + r.beds }), {
        locations: 0,
        beds: 0,
      }),
      ownLocations,
      serviceTypeNames,
    }
    return reply.render('home/views/home.njk', {
      ...page,
      ...panelView(await options.homePagePanels(actor), page),
    })
  })
}
