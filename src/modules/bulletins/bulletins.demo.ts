import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { deliveryStatusWords } from '../comms/index.ts'
import { audienceUsers } from './audience.repository.ts'
import { type Audience, everyone } from './domain/audience.ts'
import { defaultLetter } from './domain/letter.ts'
import { letterAsPdf } from './letter-files.ts'

// The demo county's bulletins: several sent over the past weeks (the demo provider's manager has read
// some), the first with a PDF attached and its e-mails' delivery receipts (a few bounced), a saved
// list, a draft, and the council's letter to people who receive care.
export async function loadDemoBulletins(trx: DbOrTransaction, now: Date): Promise<number> {
  const officer = await trx
    .selectFrom('users')
    .select(['id', 'organisationId'])
    .where('email', '=', 'officer@northmoor.example')
    .executeTakeFirst()
  if (!officer) return 0
  const council = officer.organisationId
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000)
  const homeCare: Audience = { ...everyone, serviceTypes: ['home_care'] }
  const bulletins: { title: string; body: string; audience: Audience; days: number; read: boolean }[] = [
    {
      title: 'PPE: how to order from the council’s emergency stock',
      body: '# Emergency PPE\n\nIf you have **less than 3 days** of any item, order from the council’s stock.\n\n- Gloves, aprons and masks: order by 2pm for next-day delivery\n- Eye protection: limited stock\n\n[Order PPE](https://ppe.northmoor.example/order)',
      audience: everyone,
      days: 20,
      read: true,
    },
    {
      title: 'Testing for care home staff and residents',
      body: 'Whole-home testing is now open to every care home. Book through the national portal and tell us when your results arrive.\n\n[Book testing](https://testing.example/care-homes)',
      audience: { ...everyone, serviceTypes: ['care_home_residential', 'care_home_nursing'] },
      days: 13,
      read: true,
    },
    {
      title: 'Home care: keeping visits going',
      body: 'Please tell us **today** if you expect to miss visits this week. Our brokerage team can help find cover.',
      audience: homeCare,
      days: 6,
      read: false,
    },
    {
      title: 'Provider call this Thursday: infection control update',
      body: 'Join the weekly provider call on Thursday at 2pm. The infection prevention and control team will answer questions.',
      audience: everyone,
      days: 1,
      read: false,
    },
  ]
  const rows = await trx
    .insertInto('bulletins')
    .values(
      bulletins.map((b) => ({
        councilId: council,
        title: b.title,
        body: b.body,
        audience: JSON.stringify(b.audience),
        status: 'sent' as const,
        sendAt: daysAgo(b.days),
        sentAt: daysAgo(b.days),
        createdBy: officer.id,
        createdAt: daysAgo(b.days),
        updatedAt: daysAgo(b.days),
      })),
    )
    .returning('id')
    .execute()
  for (const [i, row] of rows.entries()) {
    const b = bulletins[i]!
    const users = audienceUsers(trx, b.audience, [council])
    await sql`insert into bulletin_recipients (bulletin_id, user_id, provider_id, email, read_token, queued_at, read_at, read_by)
      select ${row.id}::uuid, u.user_id, u.provider_id, u.email,
        replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), ${daysAgo(b.days)},
        ${b.read ? daysAgo(b.days - 1) : null}::timestamptz, ${b.read ? 'carehub' : null}::text
      from (${users}) u on conflict do nothing`.execute(trx)
    await sql`update bulletins set recipient_count = (select count(*) from bulletin_recipients where bulletin_id = ${row.id})
      where id = ${row.id}`.execute(trx)
  }
  await demoAttachmentAndReceipts(trx, rows[0]!.id, officer.id, daysAgo(bulletins[0]!.days))
  await trx
    .insertInto('bulletins')
    .values({
      councilId: council,
      title: 'Draft: finance support for providers',
      body: 'The council will pay an extra 10% on all contracted hours from next month.',
      audience: JSON.stringify({ ...everyone, contracted: 'yes' }),
      status: 'draft',
      createdBy: officer.id,
      createdAt: now,
      updatedAt: now,
    })
    .execute()
  const outbreakProviders = await trx
    .selectFrom('locations')
    .select('providerId')
    .distinct()
    .where('councilId', '=', council)
    .where('serviceType', '=', 'care_home_nursing')
    .limit(25)
    .execute()
  await trx
    .insertInto('bulletinLists')
    .values({
      councilId: council,
      name: 'Nursing homes on the weekly call',
      providerIds: JSON.stringify(outbreakProviders.map((p) => p.providerId)),
      createdAt: now,
    })
    .execute()
  await trx
    .insertInto('letterTemplates')
    .values({
      councilId: council,
      body: defaultLetter,
      phone: '01632 960 100',
      outOfHoursPhone: '01632 960 199',
      updatedBy: officer.id,
      updatedAt: now,
    })
    .execute()
  return rows.length
}

// The PPE bulletin's ordering guide (a PDF) and what Notify said of its e-mails: delivered, but about one
// address in thirty bounced (permanent failure), for the officer to fix.
async function demoAttachmentAndReceipts(
  trx: DbOrTransaction,
  bulletinId: string,
  officerId: string,
  sentAt: Date,
) {
  const guide = await letterAsPdf(
    'Ordering PPE from the council’s emergency stock\n\nOrder by 2pm for next-day delivery.\nTell us your stock in your daily return.',
    'Northmoor County Council',
  )
  await trx
    .insertInto('bulletinAttachments')
    .values({
      bulletinId,
      fileName: 'PPE ordering guide.pdf',
      contentType: 'application/pdf',
      sizeBytes: guide.length,
      content: guide,
      addedBy: officerId,
      addedAt: sentAt,
    })
    .execute()
  await sql`insert into outbox_messages (kind, to_address, subject, body, created_at, next_attempt_at, dedupe_key,
      status, attempts, sent_at, delivery_status, delivery_detail, delivery_updated_at)
    select 'bulletin', r.email, b.title, 'Sent before the demo began.', ${sentAt}, ${sentAt},
      'bulletin:' || r.bulletin_id || ':' || r.user_id, 'sent', 1, ${sentAt},
      case when abs(hashtext(r.email)) % 30 = 0 then 'permanent-failure' else 'delivered' end,
      case when abs(hashtext(r.email)) % 30 = 0 then ${deliveryStatusWords['permanent-failure']} else ${deliveryStatusWords.delivered} end,
      ${sentAt}
    from bulletin_recipients r join bulletins b on b.id = r.bulletin_id
    where r.bulletin_id = ${bulletinId}
    on conflict (dedupe_key) do nothing`.execute(trx)
}
