import type { Services } from '../../src/composition.ts'
import type { Db } from '../../src/db/database.ts'
import type { Role } from '../../src/domain/roles.ts'
import type { RecordKind } from '../../src/web/route-access.ts'
import { tokenHash } from '../../src/modules/access/credentials.ts'
import { raiseAlert } from '../../src/modules/early-warning/alert-store.ts'
import { createLocation, createOrganisation, createProvider, createUser, linkPartner } from './factories.ts'
import { commsRecords } from './route-access-comms.ts'
import { moneyRecords } from './route-access-money.ts'
import { insertStaffingAndIpcRecordsOfB } from './staffing-and-ipc-records.ts'

// The world the route-table suite (test/integration/route-access.db.test.ts) runs in: council A, whose
// users are the attackers (one of each role, with a partner serving A and a region's users), and three
// sets of records to aim at — the attacker's own (provider A's, in council A), another provider's in the
// same council (provider A2's) and another council's (provider B's, in council B).

// A route's parameters for each kind of record: what `ids` in a route-access entry names.
export type RecordIds = Partial<Record<RecordKind, Record<string, string>>>

export type RouteAccessWorld = {
  actors: Record<Role, string>
  records: Record<string, RecordIds>
}

// Whose records one side holds: its council, provider and the provider's own manager.
type Side = { council: string; provider: string; providerOrg: string; location: string; manager: string }

const day = new Date('2020-04-14T08:00:00Z')

export async function buildRouteAccessWorld(db: Db, services: Services): Promise<RouteAccessWorld> {
  const councilA = await createOrganisation(db, 'council', 'Council A', { onsCode: 'E10000001' })
  const councilB = await createOrganisation(db, 'council', 'Council B', { onsCode: 'E10000002' })
  const ccgA = await createOrganisation(db, 'nhs_commissioner', 'CCG A')
  await linkPartner(db, ccgA, councilA)
  const region = await createOrganisation(db, 'region', 'Region')
  const side = async (name: string, council: string): Promise<Side> => {
    const provider = await createProvider(db, `Provider ${name}`)
    const providerOrg = await createOrganisation(db, 'provider', `Provider ${name}`, { providerId: provider })
    const location = await createLocation(db, provider, council, { name: `${name} House` })
    const manager = (await createUser(db, providerOrg, 'provider_manager')).id
    return { council, provider, providerOrg, location, manager }
  }
  const own = await side('A', councilA)
  const otherProvider = await side('A2', councilA)
  const otherCouncil = await side('B', councilB)

  const actors = {} as Record<Role, string>
  for (const [role, org] of [
    ['admin', councilA],
    ['council_officer', councilA],
    ['finance_officer', councilA],
    ['viewer', councilA],
    ['partner_officer', ccgA],
    ['regional_viewer', region],
    ['install_admin', region],
    ['provider_manager', own.providerOrg],
  ] as const)
    actors[role] = (await createUser(db, org, role)).email

  const adminOf: Record<string, string> = {
    [councilA]: (await createUser(db, councilA, 'council_officer')).id,
    [councilB]: (await createUser(db, councilB, 'admin')).id,
  }
  const sides = { own, otherProvider, otherCouncil }
  const records: Record<string, RecordIds> = {}
  const put = (kind: RecordKind, name: string, params: Record<string, string>) => {
    records[name] = { ...records[name], [kind]: params }
  }
  for (const [kind, s] of Object.entries(sides) as [RecordKind, Side][]) {
    const made = await providerRecords(db, s, adminOf[s.council]!)
    for (const [name, params] of Object.entries(made)) put(kind, name, params)
    // Records a council holds, not a provider: none of another provider's in the same council.
    if (kind === 'otherProvider') continue
    const councilMade = await councilRecords(db, s, adminOf[s.council]!)
    for (const [name, params] of Object.entries(councilMade)) put(kind, name, params)
  }
  // The PPE, grants, payments, communications and planning records, made by their own modules' code.
  const withUser = (s: Side) => ({ ...s, councilUser: adminOf[s.council]! })
  const recordSides = {
    own: withUser(own),
    otherProvider: withUser(otherProvider),
    otherCouncil: withUser(otherCouncil),
  }
  for (const more of [await moneyRecords(db, recordSides), await commsRecords(db, services, recordSides)])
    for (const [name, byKind] of Object.entries(more)) records[name] = { ...records[name], ...byKind }
  // The outbox is the install's: one message, no council or provider of its own.
  const outbox = await db
    .insertInto('outboxMessages')
    .values({ kind: 'test', toAddress: 'x@test.example', subject: 'S', body: 'B', nextAttemptAt: day })
    .returning('id')
    .executeTakeFirstOrThrow()
  records.outbox = { own: { id: outbox.id } }
  records.riskRule = { own: { id: 'ppe-red' } }
  // The static files: one real file under each prefix.
  records.asset = { own: { '*': 'images/favicon.ico' } }
  records.stylesheet = { own: { '*': 'govuk-frontend.min.css' } }
  records.javascript = { own: { '*': 'govuk-frontend.min.js' } }
  records.ownAsset = { own: { '*': 'carehub.css' } }
  return { actors, records }
}

const one = async <T extends { id: string }>(q: { executeTakeFirstOrThrow: () => Promise<T> }) =>
  (await q.executeTakeFirstOrThrow()).id

// A provider's records: its location and everything hanging off it.
async function providerRecords(db: Db, s: Side, councilUser: string) {
  const returnId = await one(
    db
      .insertInto('situationReturns')
      .values({
        locationId: s.location,
        frequency: 'daily',
        periodStart: '2020-04-13',
        version: 1,
        isCurrent: true,
        datasetVersion: 1,
        values: JSON.stringify({ ppeDaysGloves: 3 }),
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: s.manager,
        submittedAt: day,
        amendmentReason: null,
      })
      .returning('id'),
  )
  const exception = await one(
    db
      .insertInto('returnExceptions')
      .values({ locationId: s.location, extraHours: 2, reason: 'Agreed', createdBy: null, createdAt: day })
      .returning('id'),
  )
  const contact = await one(
    db
      .insertInto('locationContacts')
      .values({
        locationId: s.location,
        name: 'A Contact',
        jobTitle: null,
        phone: '01632 960001',
        email: null,
        createdAt: day,
        updatedAt: day,
      })
      .returning('id'),
  )
  const raised = await raiseAlert(db, {
    locationId: s.location,
    source: 'rule',
    alertKey: 'ppe-red',
    severity: 'red',
    title: 'PPE under 3 days',
    message: 'Short of gloves',
    evidence: { lowestPpeDays: 1 },
    at: day,
  })
  const action = await one(
    db
      .insertInto('caseActions')
      .values({ caseId: raised.caseId, description: 'Ring them', dueOn: '2030-01-01', createdAt: day })
      .returning('id'),
  )
  const plan = await one(
    db
      .insertInto('protectionPlans')
      .values({
        locationId: s.location,
        caseId: raised.caseId,
        status: 'open',
        triggeringIndicators: 'Falls up',
        measures: 'Falls training',
        monitoredBy: 'Quality team',
        nextReviewOn: '2030-01-01',
        openedBy: null,
        openedAt: day,
        closedBy: null,
        closedAt: null,
      })
      .returning('id'),
  )
  const contactLog = await one(
    db
      .insertInto('contactLogEntries')
      .values({
        locationId: s.location,
        organisationId: s.council,
        officerUserId: councilUser,
        spokeTo: null,
        method: 'call',
        direction: 'outgoing',
        category: 'ppe',
        state: 'planned',
        contactAt: day,
        summary: 'Call about gloves',
        actionsAgreed: null,
        followUpOn: '2020-04-14',
        followUpDoneAt: null,
        createdAt: day,
        updatedAt: day,
      })
      .returning('id'),
  )
  const enquiry = await one(
    db
      .insertInto('enquiries')
      .values({
        councilId: s.council,
        locationId: s.location,
        providerId: s.provider,
        channel: 'web',
        category: 'ppe',
        question: 'Where are the visors?',
        askedByUserId: s.manager,
        askedByName: null,
        status: 'answered',
        ownerUserId: null,
        response: 'From the store',
        respondedAt: day,
        respondedBy: councilUser,
        receivedAt: day,
        dueAt: day,
        closedAt: null,
        updatedAt: day,
      })
      .returning('id'),
  )
  const token = await one(
    db
      .insertInto('apiTokens')
      .values({
        tokenHash: tokenHash(`${s.provider}-secret`),
        tokenHint: 'cret',
        name: 'Care record system',
        providerId: s.provider,
        createdBy: s.manager,
      })
      .returning('id'),
  )
  const b = await insertStaffingAndIpcRecordsOfB(db, {
    councilB: s.council,
    locationB: s.location,
    managerB: s.manager,
    adminB: councilUser,
  })
  const audit = await one(
    db
      .insertInto('auditEvents')
      .values({
        occurredAt: day,
        actorUserId: s.manager,
        organisationId: s.providerOrg,
        action: 'test.recorded',
        entityType: 'location',
        entityId: s.location,
        before: null,
        after: null,
      })
      .returning('id'),
  )
  return {
    location: { id: s.location, contactId: contact },
    provider: { id: s.provider, providerId: s.provider },
    providerOrganisation: { id: s.providerOrg },
    providerUser: { id: s.manager },
    providerAudit: { id: audit },
    return: { id: returnId },
    returnException: { id: exception },
    case: { id: raised.caseId, actionId: action, alertId: raised.alertId },
    protectionPlan: { id: plan },
    contactLog: { id: contactLog },
    enquiry: { id: enquiry },
    apiToken: { id: token },
    staffingRequest: { id: b.staffingRequestB! },
    staffingShift: { id: b.staffingShiftB! },
    ipcVisit: { id: b.ipcVisitB! },
    ipcAction: { id: b.ipcActionB! },
    // The pool is the council's: this side's person is kept only where the side is a council's.
    poolPerson: { id: b.poolPersonB! },
  }
}

// What a council holds of its own: imports, welfare lists, its FAQ, its users and organisation.
async function councilRecords(db: Db, s: Side, councilUser: string) {
  const counts = { rows: 0, create: 0, update: 0, unchanged: 0, skip: 0, errors: 0, close: 0 }
  const cqcImport = await one(
    db
      .insertInto('cqcImports')
      .values({
        fileName: 'cqc.csv',
        fileHash: 'x',
        fileContent: Buffer.from('x'),
        format: null,
        areaName: 'Council',
        closeMissing: false,
        status: 'previewed',
        counts: JSON.stringify(counts),
        problemsCsv: '',
        createdBy: councilUser,
        organisationId: s.council,
        createdAt: day,
      })
      .returning('id'),
  )
  const trackerImport = await one(
    db
      .insertInto('capacityTrackerImports')
      .values({
        councilId: s.council,
        fileName: 'tracker.csv',
        fileHash: 'x',
        fileContent: Buffer.from('cqcid,usedbeds\n'),
        shape: 'care-homes',
        status: 'previewed',
        counts: JSON.stringify({ rows: 0 }),
        rows: JSON.stringify([]),
        previewedBy: councilUser,
        previewedAt: day,
      })
      .returning('id'),
  )
  const cancellation = await one(
    db
      .insertInto('welfareCancellations')
      .values({
        councilId: s.council,
        locationId: s.location,
        source: 'officer',
        returnId: null,
        visitsCancelled: 3,
        cancelledOn: '2020-04-14',
        recordedBy: null,
        recordedAt: day,
      })
      .returning('id'),
  )
  const person = await one(
    db
      .insertInto('welfarePeople')
      .values({
        cancellationId: cancellation,
        councilId: s.council,
        reference: 'W-1',
        initials: 'AB',
        area: null,
        createdBy: null,
        createdAt: day,
        assignedTo: null,
        assignedAt: null,
        contactBy: null,
        outcome: null,
        outcomeOn: null,
        escalatedAt: null,
        finishedAt: null,
        personalDataRemovedAt: null,
      })
      .returning('id'),
  )
  const faq = await one(
    db
      .insertInto('faqEntries')
      .values({
        councilId: s.council,
        category: 'ppe',
        question: 'Visors?',
        answer: 'From the store',
        sourceEnquiryId: null,
        createdBy: councilUser,
        createdAt: day,
        updatedAt: day,
      })
      .returning('id'),
  )
  const audit = await one(
    db
      .insertInto('auditEvents')
      .values({
        occurredAt: day,
        actorUserId: councilUser,
        organisationId: s.council,
        action: 'test.recorded',
        entityType: 'user',
        entityId: councilUser,
        before: null,
        after: null,
      })
      .returning('id'),
  )
  return {
    cqcImport: { id: cqcImport },
    trackerImport: { id: trackerImport },
    welfareCancellation: { id: cancellation },
    welfareCheck: { id: person },
    faq: { id: faq },
    councilUser: { id: councilUser },
    councilOrganisation: { id: s.council },
    councilAudit: { id: audit },
  }
}
