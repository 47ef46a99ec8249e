import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { type ChargingRule, chargeForIssue } from './domain/charging.rules.ts'
import { allocateFirstExpiry, type BatchBalance } from './domain/stock.rules.ts'
import type { PpeRequestStatus } from './ppe-supply.tables.ts'

// The demo county's PPE: two stores with twelve weeks of receipts and issues, requests in every state
// (a decline and a part approval among them), and a policy change six weeks in: before it everything
// was chargeable; from it emergency supplies are free (FFP3 masks stay chargeable) and recovery of
// earlier charges is paused. Simulated in memory (first expiry first) and inserted in a few statements.
const demoItems = [
  { name: 'Disposable gloves', unit: 'glove', packSize: 100, pence: [4, 5], weekly: 4000 },
  { name: 'Aprons', unit: 'apron', packSize: 100, pence: [3, 3], weekly: 3000 },
  { name: 'Type IIR masks', unit: 'mask', packSize: 50, pence: [30, 22], weekly: 2000 },
  { name: 'FFP3 masks', unit: 'mask', packSize: 20, pence: [210, 180], weekly: 150 },
  { name: 'Eye protection', unit: 'visor', packSize: 10, pence: [95, 95], weekly: 120 },
  { name: 'Hand sanitiser', unit: '500 ml bottle', packSize: 12, pence: [250, 250], weekly: 80 },
]
const demoStores = [
  { name: 'Central store', kind: 'central_store', address: 'Unit 4, Moorside Estate, Northmoor NM1 4PP' },
  { name: 'Hospital hub', kind: 'hospital_hub', address: 'Northmoor General Hospital, NM2 7HH' },
] as const

export async function loadDemoPpeSupply(
  trx: DbOrTransaction,
  now: Date,
): Promise<{ requests: number; moves: number }> {
  const council = await trx
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'council')
    .orderBy('name')
    .executeTakeFirst()
  const officer = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'officer@northmoor.example')
    .executeTakeFirst()
  const manager = await trx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisationId')
    .select(['u.id', 'o.providerId'])
    .where('u.email', '=', 'manager@meadowcare.example')
    .executeTakeFirst()
  if (!council || !officer) return { requests: 0, moves: 0 }
  const today = londonDate(now)
  const start = addDaysToIsoDate(today, -83)
  const policyDate = addDaysToIsoDate(start, 42)
  const at = (day: string, hour: number) => londonInstant(day, hour)

  const items = await trx
    .insertInto('ppeItems')
    .values(
      demoItems.map((i) => ({
        councilId: council.id,
        name: i.name,
        unit: i.unit,
        packSize: i.packSize,
        createdAt: at(start, 9),
      })),
    )
    .returning(['id', 'name'])
    .execute()
  const itemId = (name: string) => items.find((i) => i.name === name)!.id
  const prices = demoItems.flatMap((i) => [
    {
      itemId: itemId(i.name),
      effectiveFrom: start,
      unitPricePence: i.pence[0]!,
      recordedBy: officer.id,
      recordedAt: at(start, 9),
    },
    {
      itemId: itemId(i.name),
      effectiveFrom: policyDate,
      unitPricePence: i.pence[1]!,
      recordedBy: officer.id,
      recordedAt: at(start, 9),
    },
  ])
  await trx.insertInto('ppeItemPrices').values(prices).execute()
  const stores = await trx
    .insertInto('ppeStores')
    .values(demoStores.map((s) => ({ ...s, councilId: council.id, createdAt: at(start, 9) })))
    .returning(['id', 'name'])
    .execute()
  const [central, hub] = [stores[0]!.id, stores[1]!.id]
  await trx
    .insertInto('ppeStockThresholds')
    .values(demoItems.map((i) => ({ storeId: central, itemId: itemId(i.name), threshold: i.weekly })))
    .execute()
  const rules: ChargingRule[] = [
    { effectiveFrom: start, itemId: null, route: null, charge: 'chargeable' },
    { effectiveFrom: policyDate, itemId: null, route: 'emergency', charge: 'free' },
    { effectiveFrom: start, itemId: itemId('FFP3 masks'), route: null, charge: 'chargeable' },
  ]
  await trx
    .insertInto('ppeChargingRules')
    .values(
      rules.map((r, n) => ({
        councilId: council.id,
        ...r,
        note: [
          'Council PPE is charged at cost',
          'Emergency PPE free from this date',
          'FFP3 masks always charged',
        ][n]!,
        recordedBy: officer.id,
        recordedAt: at(start, 9),
      })),
    )
    .execute()
  await trx
    .insertInto('ppeRecoveryChanges')
    .values({
      councilId: council.id,
      effectiveFrom: policyDate,
      paused: true,
      note: 'Recovery of earlier charges paused',
      recordedBy: officer.id,
      recordedAt: at(policyDate, 9),
    })
    .execute()

  // Receipts every fortnight into each store, with expiry dates; simulated balances per batch.
  type Batch = BatchBalance & { storeId: string; itemId: string; id?: string }
  const batches: Batch[] = []
  const moves: Record<string, unknown>[] = []
  const sources = ['national_portal', 'donation', 'purchase'] as const
  let n = 0
  for (let week = 0; week < 12; week += 2) {
    const day = addDaysToIsoDate(start, week * 7)
    for (const [s, storeId] of [central, hub].entries())
      for (const item of demoItems) {
        const source = sources[(n++ + s) % 3]!
        const quantity = item.weekly * (s === 0 ? 3 : 1)
        const key = `demo-${batches.length}`
        batches.push({
          batchId: key,
          storeId,
          itemId: itemId(item.name),
          expiresOn: addDaysToIsoDate(day, 365 + week * 10),
          receivedOn: day,
          quantity,
        })
        moves.push({
          storeId,
          itemId: itemId(item.name),
          batchKey: key,
          kind: 'receipt',
          quantity,
          occurredOn: day,
          source,
          supplier:
            source === 'purchase'
              ? 'Northmoor Medical Supplies'
              : source === 'donation'
                ? 'Local distillery'
                : 'National PPE portal',
          costPence: source === 'purchase' ? quantity * item.pence[0]! : null,
          invoiceReference: source === 'purchase' ? `NMS-${2000 + n}` : null,
        })
      }
  }

  // Requests: the demo provider's and others', delivered over the weeks, and one in each open state.
  const locations = await trx
    .selectFrom('locations')
    .select(['id', 'providerId', 'name'])
    .where('councilId', '=', council.id)
    .where('serviceType', 'in', ['care_home_nursing', 'care_home_residential', 'home_care'])
    .orderBy('name', 'desc')
    .limit(24)
    .execute()
  const own = manager?.providerId
    ? await trx
        .selectFrom('locations')
        .select(['id', 'providerId', 'name'])
        .where('providerId', '=', manager.providerId)
        .orderBy('name')
        .limit(2)
        .execute()
    : []
  const pool = [...own, ...locations.filter((l) => !own.some((o) => o.id === l.id))]
  if (pool.length === 0) return { requests: 0, moves: 0 }
  type Plan = { status: PpeRequestStatus; day: string; hour: number; part?: boolean; reason?: string }
  const plans: Plan[] = []
  for (let d = 3; d < 80; d += 3)
    plans.push({ status: 'delivered', day: addDaysToIsoDate(start, d), hour: 9 + (d % 6), part: d % 9 === 0 })
  plans.push(
    {
      status: 'declined',
      day: addDaysToIsoDate(today, -20),
      hour: 10,
      reason: 'Your stock cover is over two weeks: order through the national PPE portal',
    },
    {
      status: 'declined',
      day: addDaysToIsoDate(today, -3),
      hour: 11,
      reason: 'Eye protection is held for homes with an outbreak this week',
    },
    { status: 'dispatched', day: addDaysToIsoDate(today, -1), hour: 9 },
    { status: 'picked', day: addDaysToIsoDate(today, -1), hour: 14 },
    { status: 'approved', day: today, hour: 8, part: true },
    { status: 'requested', day: addDaysToIsoDate(today, -2), hour: 16 },
    { status: 'requested', day: today, hour: 7 },
  )
  const requestRows = plans.map((p, i) => {
    // A recent decline goes to another provider: the demo provider's home page stays as other suites know it.
    const others = pool.filter((l) => !own.some((o) => o.id === l.id))
    const recentDecline = p.status === 'declined' && p.day > addDaysToIsoDate(today, -14) && others.length
    const location = recentDecline ? others[i % others.length]! : pool[i % pool.length]!
    const requestedAt = at(p.day, Math.min(p.hour, 20))
    const urgent = i % 4 === 0
    const steps = ['approved', 'picked', 'dispatched', 'delivered']
    const reached = (s: string) =>
      steps.indexOf(p.status) >= steps.indexOf(s) && p.status !== 'declined' && p.status !== 'requested'
    const hours = (h: number) => new Date(requestedAt.getTime() + h * 3_600_000)
    return {
      councilId: council.id,
      locationId: location.id,
      providerId: location.providerId,
      channel: (i % 3 === 0 ? 'phone' : 'web') as 'web' | 'phone',
      status: p.status,
      hasCases: urgent,
      outbreak: urgent && i % 8 === 0,
      rag: null,
      priority: urgent ? 120 : 0,
      priorityReasons: JSON.stringify(
        urgent ? ['No stock cover for the next 24 hours', 'Cases at the location'] : [],
      ),
      targetHours: urgent ? 24 : 72,
      notes: null,
      requestedBy: i % 3 === 0 ? officer.id : own.some((o) => o.id === location.id) ? manager!.id : null,
      requestedAt,
      decidedBy: p.status === 'requested' ? null : officer.id,
      decidedAt: p.status === 'requested' ? null : hours(2),
      partApproved: Boolean(p.part),
      declineReason: p.reason ?? null,
      storeId: reached('picked') ? central : null,
      pickedAt: reached('picked') ? hours(3) : null,
      dispatchedAt: reached('dispatched') ? hours(5) : null,
      deliveredAt: reached('delivered') ? hours(i % 5 === 0 ? 30 : 20) : null,
      receivedBy: reached('delivered') ? 'Duty manager' : null,
      updatedAt: requestedAt,
    }
  })
  const inserted = await trx
    .insertInto('ppeRequests')
    .values(requestRows)
    .returning(['id', 'status', 'locationId', 'dispatchedAt'])
    .execute()
  const lines: {
    requestId: string
    itemId: string
    quantityAsked: number
    coverDays: number | null
    quantityApproved: number | null
  }[] = []
  inserted.forEach((r, i) => {
    const plan = plans[i]!
    for (const item of [demoItems[i % 3]!, demoItems[3 + (i % 3)]!]) {
      const asked = Math.max(10, Math.round(item.weekly / 4 / 10) * 10)
      const decided = plan.status !== 'requested' && plan.status !== 'declined'
      lines.push({
        requestId: r.id,
        itemId: itemId(item.name),
        quantityAsked: asked,
        coverDays: i % 4 === 0 ? 0 : 3,
        quantityApproved: decided ? (plan.part ? asked / 2 : asked) : null,
      })
      if (decided && (r.status === 'dispatched' || r.status === 'delivered')) {
        const onDate = londonDate(r.dispatchedAt!)
        const quantity = plan.part ? asked / 2 : asked
        const usable = batches.filter(
          (b) => b.storeId === central && b.itemId === itemId(item.name) && b.receivedOn <= onDate,
        )
        const allocated = allocateFirstExpiry(usable, quantity, onDate)
        if (!allocated.ok) continue
        const own = prices.filter((p) => p.itemId === itemId(item.name))
        for (const a of allocated.allocations) {
          usable.find((b) => b.batchId === a.batchId)!.quantity -= a.quantity
          moves.push({
            storeId: central,
            itemId: itemId(item.name),
            batchKey: a.batchId,
            kind: 'issue',
            quantity: -a.quantity,
            occurredOn: onDate,
            locationId: r.locationId,
            requestId: r.id,
            route: 'emergency',
            ...chargeForIssue(rules, own, {
              itemId: itemId(item.name),
              route: 'emergency',
              onDate,
              quantity: a.quantity,
            }),
          })
        }
      }
    }
  })
  await trx.insertInto('ppeRequestLines').values(lines).execute()

  // A write-off and a count adjustment at the hub, with their reasons.
  const hubGloves = batches.find((b) => b.storeId === hub && b.itemId === itemId('Disposable gloves'))!
  hubGloves.quantity -= 200
  moves.push({
    storeId: hub,
    itemId: hubGloves.itemId,
    batchKey: hubGloves.batchId,
    kind: 'write_off',
    quantity: -200,
    occurredOn: addDaysToIsoDate(start, 30),
    reason: 'damaged',
  })
  hubGloves.quantity -= 40
  moves.push({
    storeId: hub,
    itemId: hubGloves.itemId,
    batchKey: hubGloves.batchId,
    kind: 'count_adjustment',
    quantity: -40,
    occurredOn: addDaysToIsoDate(start, 56),
    reason: 'Monthly stock count',
  })

  const savedBatches = await trx
    .insertInto('ppeBatches')
    .values(
      batches.map((b) => ({
        storeId: b.storeId,
        itemId: b.itemId,
        expiresOn: b.expiresOn,
        receivedOn: b.receivedOn,
      })),
    )
    .returning('id')
    .execute()
  const idOf = new Map(batches.map((b, i) => [b.batchId, savedBatches[i]!.id]))
  await trx
    .insertInto('ppeBatchBalances')
    .values(
      batches.map((b) => ({
        batchId: idOf.get(b.batchId)!,
        storeId: b.storeId,
        itemId: b.itemId,
        quantity: b.quantity,
      })),
    )
    .execute()
  const totals = new Map<string, { storeId: string; itemId: string; quantity: number }>()
  for (const b of batches) {
    const key = `${b.storeId}/${b.itemId}`
    const t = totals.get(key) ?? { storeId: b.storeId, itemId: b.itemId, quantity: 0 }
    t.quantity += b.quantity
    totals.set(key, t)
  }
  await trx
    .insertInto('ppeStockBalances')
    .values([...totals.values()])
    .execute()
  const { batchKey: _k, ...blank } = {
    batchKey: '',
    reason: null,
    source: null,
    supplier: null,
    costPence: null,
    invoiceReference: null,
    locationId: null,
    requestId: null,
    route: null,
    free: null,
    unitPricePence: null,
    chargedPence: null,
    otherStoreId: null,
  }
  for (let i = 0; i < moves.length; i += 500)
    await trx
      .insertInto('ppeStockMoves')
      .values(
        moves.slice(i, i + 500).map(({ batchKey, ...m }) => ({
          ...blank,
          ...m,
          batchId: idOf.get(batchKey as string)!,
          recordedBy: officer.id,
          recordedAt: at(m.occurredOn as string, 12),
        })) as never,
      )
      .execute()
  return { requests: inserted.length, moves: moves.length }
}
