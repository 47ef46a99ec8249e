import { sql } from 'kysely'
import type { DbOrTransaction } from '../../src/db/database.ts'

// A fingerprint of everything early warning keeps for one council (or, with null, the install's
// defaults and the locations in no council's area): its risk rules (every version), its settings, and
// the alerts, alert history, cases, case history and RAG of the locations its rules judge, each table's
// rows in a fixed order. Equal fingerprints before and after mean not one byte of it changed.
export async function councilFingerprint(db: DbOrTransaction, councilId: string | null) {
  const owner = councilId ? sql`= ${councilId}::uuid` : sql`is null`
  const located = sql`(select l.id from locations l where l.council_id ${owner})`
  const alertIds = sql`(select a.id from alerts a where a.location_id in ${located})`
  const caseIds = sql`(select c.id from cases c where c.location_id in ${located})`
  const { rows } = await sql<{ tables: Record<string, string | null> }>`
    select json_build_object(
      'riskRules', (select md5(string_agg(r::text, '|' order by r.id)) from risk_rule_versions r
                     where r.council_id ${owner}),
      'settings', (select md5(string_agg(s::text, '|' order by s.id)) from settings s where s.council_id ${owner}),
      'alerts', (select md5(string_agg(a::text, '|' order by a.id)) from alerts a where a.id in ${alertIds}),
      'alertEvents', (select md5(string_agg(e::text, '|' order by e.id)) from alert_events e
                       where e.alert_id in ${alertIds}),
      'cases', (select md5(string_agg(c::text, '|' order by c.id)) from cases c where c.id in ${caseIds}),
      'caseEvents', (select md5(string_agg(e::text, '|' order by e.id)) from case_events e
                      where e.case_id in ${caseIds}),
      'locationRisk', (select md5(string_agg(k::text, '|' order by k.location_id)) from location_risk k
                        where k.location_id in ${located})
    ) as tables`.execute(db.withoutPlugins())
  return rows[0]!.tables
}
