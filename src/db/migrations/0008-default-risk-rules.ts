import { type Kysely, sql } from 'kysely'

// Frozen once merged: never edit, add a new migration instead.
// The default risk rules, as data (version 1 of each). Written out here rather than imported from the
// domain so that this migration stays the same whatever the domain's defaults become. The amber PPE and
// staff absence rules stop where the red ones start, so one shortage gives one alert, not two.
const rules = [
  [
    'ppe-red',
    'PPE runs out within 3 days',
    'lowest_ppe_days < 3',
    'red',
    'At least one PPE item will run out within 3 days. Check supply and offer emergency stock.',
  ],
  [
    'ppe-amber',
    'PPE runs out within 7 days',
    'lowest_ppe_days >= 3 and lowest_ppe_days < 7',
    'amber',
    'At least one PPE item will run out within a week. Check the home has an order in hand.',
  ],
  [
    'staff-absence-red',
    'Staff absence 20% or more',
    'staff_absence_percent >= 20',
    'red',
    'A fifth or more of staff are absent. Check the business continuity plan and staffing cover.',
  ],
  [
    'staff-absence-amber',
    'Staff absence 10% or more',
    'staff_absence_percent >= 10 and staff_absence_percent < 20',
    'amber',
    'One in ten or more staff are absent. Check cover is arranged.',
  ],
  [
    'outbreak',
    'Outbreak',
    'new_confirmed_cases_14_days >= 1 or suspected_cases_14_days >= 2',
    'red',
    'A confirmed case, or two or more suspected cases, in the last 14 days. Make sure infection control and testing support are in place.',
  ],
  [
    'death',
    'A death in the last 7 days',
    'deaths_7_days >= 1',
    'amber',
    'A death was reported in the last 7 days. Check in with the manager.',
  ],
  [
    'no-return',
    'No return for 2 periods',
    'periods_without_return >= 2',
    'amber',
    'No return for two or more periods in a row. Call the location to check it is safe.',
  ],
  [
    'help-requested',
    'Help requested',
    'help_requested',
    'amber',
    'The latest return asks for help. Contact the location about what it needs.',
  ],
] as const

export async function up(db: Kysely<any>): Promise<void> {
  for (const [ruleKey, name, condition, severity, message] of rules)
    await sql`
      insert into risk_rule_versions (rule_key, version, is_current, name, condition, severity, message, enabled, change_note)
      values (${ruleKey}, 1, true, ${name}, ${condition}, ${severity}, ${message}, true, 'Default rule set')
      on conflict do nothing`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from risk_rule_versions where version = 1 and change_note = 'Default rule set'`.execute(db)
}
