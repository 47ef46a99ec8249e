import { defineCapability } from '../../capability.ts'
import { can } from '../../domain/policy.ts'
import { valueIssuedIn } from '../ppe-supply/index.ts'
import type { PublishingService } from '../publishing/index.ts'
import { importRoutes, packageRoutes } from './packages.routes.ts'
import { createPackageService } from './packages.service.ts'
import { paymentsPaths } from './payments.paths.ts'
import { paymentsRouteAccess } from './payments.route-access.ts'
import type { PpeSpent } from './ppe-seam.ts'
import { providerPaymentsPanel } from './provider-panel.ts'
import { runRoutes } from './runs.routes.ts'
import { createRunService } from './runs.service.ts'
import { schemeRoutes } from './schemes.routes.ts'
import { createSchemeService } from './schemes.service.ts'
import { supportReturnPublication } from './support-return.publication.ts'
import { supportReturnRoutes } from './support-return.routes.ts'
import { createSupportReturnService } from './support-return.service.ts'

export { loadDemoPayments } from './demo-payments.ts'
export { computeRun, roundingRule } from './domain/calculation.ts'
export type { PackageService } from './packages.service.ts'
export { paymentsAuditActions } from './payments.audit-actions.ts'
export { paymentsPaths } from './payments.paths.ts'
export type {
  CommissionedPackageTable,
  DeliveredHoursTable,
  PaymentImportTable,
  PaymentLineTable,
  PaymentRunTable,
  PaymentSchemeTable,
  SupportWordingTable,
  VoidBedTable,
} from './payments.tables.ts'
export type { PpeSpent } from './ppe-seam.ts'
export { createRunService, type RunService } from './runs.service.ts'
export type { SchemeService } from './schemes.service.ts'
export { buildSupportReturnPublication, supportReturnKind } from './support-return.publication.ts'
export type { SupportReturnService } from './support-return.service.ts'

// Paying providers: commissioned packages and beds, payment schemes as data, payment runs with four
// eyes, what each provider was paid, and the public provider-support return.
// The return's PPE line comes from the PPE capability's ledger: the value of what the council gave
// providers free of charge up to the return's date (chargeable PPE is paid for by the provider, so is
// not support that reached them).
export const payments = defineCapability<{ publishing: PublishingService }>()({
  name: 'payments',
  // Who may reach each of its routes (the route-table suite checks it).
  routeAccess: paymentsRouteAccess,
  services: ({ db, clock, publishing }) => {
    const ppeSpent: PpeSpent = async (conn, councilId, asAt) => ({
      pence: (await valueIssuedIn(conn, councilId, '2000-01-01', asAt)).freePence,
      recorded: true,
    })
    // The public return is published through publishing's workflow (check, sign-off, versions).
    publishing.registerKind(supportReturnPublication(ppeSpent))
    return {
      paymentPackages: createPackageService({ db, clock }),
      paymentSchemes: createSchemeService({ db, clock }),
      paymentRuns: createRunService({ db, clock }),
      supportReturn: createSupportReturnService({ db, clock, ppeSpent }),
    }
  },
  routes: async (app, { paymentPackages, paymentSchemes, paymentRuns, supportReturn }) => {
    await app.register(packageRoutes, { packages: paymentPackages, runs: paymentRuns })
    await app.register(schemeRoutes, { schemes: paymentSchemes })
    await app.register(importRoutes, { packages: paymentPackages })
    await app.register(runRoutes, { runs: paymentRuns })
    await app.register(supportReturnRoutes, { supportReturn })
  },
  paths: paymentsPaths,
  homePanels: ({ db }) => providerPaymentsPanel(db),
  navigation: (actor) =>
    can(actor, 'payments:read') && actor.organisationKind === 'council'
      ? [{ href: paymentsPaths.payments.build(), text: 'Payments', order: 65 }]
      : [],
})
