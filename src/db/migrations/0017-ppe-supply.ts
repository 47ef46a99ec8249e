import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// PPE supply (issue 20): a council's PPE items with dated prices, its stores, the append-only stock
// ledger with the balances its writer keeps, emergency requests from providers through to delivery,
// the rules that put requests in order, and the dated charging policy.
export async function up(db: Kysely<any>): Promise<void> {
  const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`)
  await db.schema
    .createTable('ppe_items')
    .addColumn('id', 'uuid', id)
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // What one unit is (a glove, a mask, a 500 ml bottle) and how many units a pack holds.
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('pack_size', 'integer', (c) => c.notNull().check(sql`pack_size > 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('ppe_items_council_name_key', ['council_id', 'name'])
    .execute()
  // A unit price in force from a date until the next one's date.
  await db.schema
    .createTable('ppe_item_prices')
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('ppe_items.id'))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('unit_price_pence', 'bigint', (c) => c.notNull().check(sql`unit_price_pence >= 0`))
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ppe_item_prices_pkey', ['item_id', 'effective_from'])
    .execute()
  await db.schema
    .createTable('ppe_stores')
    .addColumn('id', 'uuid', id)
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('ppe_stores_council_name_key', ['council_id', 'name'])
    .execute()
  // A low-stock threshold, in units, per item and store: below it the PPE team is alerted.
  await db.schema
    .createTable('ppe_stock_thresholds')
    .addColumn('store_id', 'uuid', (c) => c.notNull().references('ppe_stores.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('ppe_items.id'))
    .addColumn('threshold', 'integer', (c) => c.notNull().check(sql`threshold >= 0`))
    .addPrimaryKeyConstraint('ppe_stock_thresholds_pkey', ['store_id', 'item_id'])
    .execute()
  // A batch of one item in one store, with its expiry date when the supplier gave one.
  await db.schema
    .createTable('ppe_batches')
    .addColumn('id', 'uuid', id)
    .addColumn('store_id', 'uuid', (c) => c.notNull().references('ppe_stores.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('ppe_items.id'))
    .addColumn('expires_on', 'date')
    .addColumn('received_on', 'date', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ppe_batches_store_item_idx')
    .on('ppe_batches')
    .columns(['store_id', 'item_id'])
    .execute()
  // The balance of each batch, kept by the ledger's writer in the same transaction as each move: the
  // ledger is the truth (a test checks they agree), this table makes reading balances cheap.
  await db.schema
    .createTable('ppe_batch_balances')
    .addColumn('batch_id', 'uuid', (c) => c.primaryKey().references('ppe_batches.id'))
    .addColumn('store_id', 'uuid', (c) => c.notNull())
    .addColumn('item_id', 'uuid', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull().check(sql`quantity >= 0`))
    .execute()
  // The same per item and store, the figure every store page and request reads; its row is locked by
  // the writer first, so two moves of one item in one store never interleave.
  await db.schema
    .createTable('ppe_stock_balances')
    .addColumn('store_id', 'uuid', (c) => c.notNull().references('ppe_stores.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('ppe_items.id'))
    .addColumn('quantity', 'bigint', (c) => c.notNull().check(sql`quantity >= 0`))
    .addPrimaryKeyConstraint('ppe_stock_balances_pkey', ['store_id', 'item_id'])
    .execute()
  await db.schema
    .createIndex('ppe_batch_balances_store_item_idx')
    .on('ppe_batch_balances')
    .columns(['store_id', 'item_id'])
    .execute()

  await sql`create sequence ppe_request_reference_seq start 1001`.execute(db)
  await db.schema
    .createTable('ppe_requests')
    .addColumn('id', 'uuid', id)
    .addColumn('reference', 'text', (c) =>
      c.notNull().unique().defaultTo(sql`'PPE-' || nextval('ppe_request_reference_seq')`),
    )
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('locations.id'))
    .addColumn('provider_id', 'uuid', (c) => c.notNull().references('providers.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('web', 'phone')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('requested', 'approved', 'declined', 'picked', 'dispatched', 'delivered')`),
    )
    .addColumn('has_cases', 'boolean', (c) => c.notNull())
    .addColumn('outbreak', 'boolean', (c) => c.notNull())
    .addColumn('rag', 'text')
    // The rules that matched (label and weight) and the priority and target they give.
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('priority_reasons', 'jsonb', (c) => c.notNull())
    .addColumn('target_hours', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('part_approved', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('decline_reason', 'text')
    .addColumn('store_id', 'uuid', (c) => c.references('ppe_stores.id'))
    .addColumn('picked_at', 'timestamptz')
    .addColumn('dispatched_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('received_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ppe_requests_council_status_idx')
    .on('ppe_requests')
    .columns(['council_id', 'status'])
    .execute()
  await db.schema
    .createIndex('ppe_requests_location_idx')
    .on('ppe_requests')
    .columns(['location_id', 'requested_at'])
    .execute()
  await db.schema
    .createIndex('ppe_requests_provider_idx')
    .on('ppe_requests')
    .columns(['provider_id', 'requested_at'])
    .execute()
  await db.schema
    .createTable('ppe_request_lines')
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('ppe_requests.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('ppe_items.id'))
    .addColumn('quantity_asked', 'integer', (c) => c.notNull().check(sql`quantity_asked > 0`))
    // The provider's stock cover of this item when they asked, in days (0: none left).
    .addColumn('cover_days', 'integer', (c) => c.check(sql`cover_days >= 0`))
    .addColumn('quantity_approved', 'integer', (c) => c.check(sql`quantity_approved >= 0`))
    .addPrimaryKeyConstraint('ppe_request_lines_pkey', ['request_id', 'item_id'])
    .execute()

  // The ledger: append-only; a move is never changed or deleted. Quantity is signed (in: +, out: -).
  await db.schema
    .createTable('ppe_stock_moves')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('store_id', 'uuid', (c) => c.notNull().references('ppe_stores.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('ppe_items.id'))
    .addColumn('batch_id', 'uuid', (c) => c.notNull().references('ppe_batches.id'))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('receipt', 'issue', 'transfer_out', 'transfer_in', 'return', 'write_off', 'count_adjustment')`,
        ),
    )
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity <> 0`))
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('reason', 'text')
    // Receipts: where it came from (national PPE portal, donation, purchase), supplier, cost, invoice.
    .addColumn('source', 'text')
    .addColumn('supplier', 'text')
    .addColumn('cost_pence', 'bigint')
    .addColumn('invoice_reference', 'text')
    // Issues and returns: to or from which location, for which request, by which route, and the charge.
    .addColumn('location_id', 'uuid', (c) => c.references('locations.id'))
    .addColumn('request_id', 'uuid', (c) => c.references('ppe_requests.id'))
    .addColumn('route', 'text')
    .addColumn('free', 'boolean')
    .addColumn('unit_price_pence', 'bigint')
    .addColumn('charged_pence', 'bigint')
    // Transfers: the store at the other end.
    .addColumn('other_store_id', 'uuid', (c) => c.references('ppe_stores.id'))
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ppe_stock_moves_store_item_idx')
    .on('ppe_stock_moves')
    .columns(['store_id', 'item_id', 'occurred_on'])
    .execute()
  await sql`create index ppe_stock_moves_issues_idx on ppe_stock_moves (occurred_on, location_id) where kind = 'issue'`.execute(
    db,
  )

  // The order requests are listed in: rules as data. A council's rows, or the install's (no council).
  await db.schema
    .createTable('ppe_priority_rules')
    .addColumn('id', 'uuid', id)
    .addColumn('council_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('condition', 'text', (c) =>
      c.notNull().check(sql`condition in ('no_cover_24h', 'outbreak', 'red_rag', 'has_cases', 'any')`),
    )
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('target_hours', 'integer', (c) => c.notNull().check(sql`target_hours > 0`))
    .execute()
  await db
    .insertInto('ppe_priority_rules')
    .values([
      {
        condition: 'no_cover_24h',
        label: 'No stock cover for the next 24 hours',
        weight: 100,
        target_hours: 24,
      },
      { condition: 'outbreak', label: 'Outbreak at the location', weight: 50, target_hours: 24 },
      { condition: 'red_rag', label: 'Risk status red', weight: 30, target_hours: 48 },
      { condition: 'has_cases', label: 'Cases at the location', weight: 20, target_hours: 48 },
      { condition: 'any', label: 'Emergency request', weight: 0, target_hours: 72 },
    ])
    .execute()

  // Charging policy: from a date, an item (or every item) by a route (or every route) is free or
  // chargeable. Recovery of charges is paused or resumed from a date.
  await db.schema
    .createTable('ppe_charging_rules')
    .addColumn('id', 'uuid', id)
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('item_id', 'uuid', (c) => c.references('ppe_items.id'))
    .addColumn('route', 'text', (c) => c.check(sql`route in ('emergency', 'order')`))
    .addColumn('charge', 'text', (c) => c.notNull().check(sql`charge in ('free', 'chargeable')`))
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('ppe_recovery_changes')
    .addColumn('id', 'uuid', id)
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('paused', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

// Undone in the reverse order of the tables' references (a test migrates an install down and up again).
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'ppe_recovery_changes',
    'ppe_charging_rules',
    'ppe_priority_rules',
    'ppe_stock_moves',
    'ppe_request_lines',
    'ppe_requests',
    'ppe_stock_balances',
    'ppe_batch_balances',
    'ppe_batches',
    'ppe_stock_thresholds',
    'ppe_stores',
    'ppe_item_prices',
    'ppe_items',
  ])
    await db.schema.dropTable(table).ifExists().cascade().execute()
  await sql`drop sequence if exists ppe_request_reference_seq`.execute(db)
}
