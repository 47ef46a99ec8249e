import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import {
  actionProblems,
  type CaseFacts,
  closeProblems,
  describeEvidence,
  digestSubject,
  groupByRecipient,
  intelligenceProblems,
  mayCloseCase,
  mayManageCase,
  mayReadCases,
  mayTakeOwnership,
  mayWorkCases,
  nextStatus,
  timeAgo,
} from './casework.rules.ts'
import {
  compareWorklist,
  worklistFilterFrom,
  worklistQueryFrom,
  worklistQueryString,
} from './worklist.rules.ts'

const actor = (over: Partial<Actor> = {}): Actor => ({
  userId: 'u1',
  role: 'council_officer',
  organisationId: 'council',
  organisationKind: 'council',
  councilIds: ['council'],
  providerId: null,
  ...over,
})
const partner = actor({
  role: 'partner_officer',
  organisationId: 'ccg',
  organisationKind: 'nhs_commissioner',
})
const openCase: CaseFacts = { status: 'open', owningOrganisationId: null, ownerUserId: null }

describe('who may work a case', () => {
  it('keeps provider managers away from cases altogether, and lets viewers read only', () => {
    const manager = actor({ role: 'provider_manager', organisationKind: 'provider', councilIds: [] })
    expect(mayReadCases(manager)).toBe(false)
    expect(mayWorkCases(manager)).toBe(false)
    const viewer = actor({ role: 'viewer' })
    expect(mayReadCases(viewer)).toBe(true)
    expect(mayWorkCases(viewer)).toBe(false)
    expect(mayWorkCases(actor({ role: 'admin', organisationKind: 'region' }))).toBe(false)
  })

  it('lets a partner take an unowned case or its own, but not another organisation’s', () => {
    expect(mayTakeOwnership(partner, openCase)).toEqual({ ok: true })
    const councils = { status: 'owned', owningOrganisationId: 'council', ownerUserId: 'u9' } as const
    expect(mayTakeOwnership(partner, councils)).toMatchObject({ ok: false })
    expect(mayManageCase(partner, { ...councils, owningOrganisationId: 'ccg' })).toBe(true)
  })

  it('lets a council officer step in on any open case in the market, never a closed one', () => {
    const ccgs = { status: 'owned', owningOrganisationId: 'ccg', ownerUserId: 'p1' } as const
    expect(mayTakeOwnership(actor(), ccgs)).toEqual({ ok: true })
    expect(mayTakeOwnership(actor(), { ...ccgs, status: 'resolved' })).toMatchObject({ ok: false })
    expect(
      mayTakeOwnership(actor(), { ...ccgs, ownerUserId: 'u1', owningOrganisationId: 'council' }),
    ).toEqual({
      ok: false,
      reason: 'You already own this case',
    })
  })

  it('leaves closing to the owning organisation', () => {
    expect(mayCloseCase(actor(), openCase)).toMatchObject({ ok: false })
    const owned = { status: 'owned', owningOrganisationId: 'council', ownerUserId: 'u2' } as const
    expect(mayCloseCase(actor(), owned)).toEqual({ ok: true })
    expect(mayCloseCase(partner, owned)).toEqual({
      ok: false,
      reason: 'Only the owning organisation can close this case',
    })
  })
})

describe('case status', () => {
  it('moves one way: open → owned → action taken → resolved', () => {
    expect(nextStatus('open', 'ownership_taken')).toBe('owned')
    expect(nextStatus('open', 'passed')).toBe('owned')
    expect(nextStatus('action_taken', 'passed')).toBe('action_taken')
    expect(nextStatus('owned', 'action_done')).toBe('action_taken')
    expect(nextStatus('owned', 'closed')).toBe('resolved')
    expect(nextStatus('resolved', 'ownership_taken')).toBe('resolved')
  })

  it('needs a note to close, and a confirmation when alerts are still open', () => {
    expect(closeProblems({ note: ' ', openAlerts: 0, confirmedAlerts: false })).toHaveProperty('note')
    expect(closeProblems({ note: 'Stock delivered', openAlerts: 0, confirmedAlerts: false })).toEqual({})
    expect(closeProblems({ note: 'Stock delivered', openAlerts: 2, confirmedAlerts: false })).toEqual({
      confirmAlerts: 'Confirm that the 2 open alerts can be resolved with the case',
    })
    expect(closeProblems({ note: 'Stock delivered', openAlerts: 2, confirmedAlerts: true })).toEqual({})
  })
})

describe('the worklist', () => {
  it('puts red before amber before none, then the newest alert first, then the longest waiting', () => {
    const at = (iso: string) => new Date(iso)
    const rows = [
      { id: 'a', severity: 'amber' as const, latestAlertAt: at('2020-04-01'), openedAt: at('2020-04-01') },
      { id: 'b', severity: null, latestAlertAt: null, openedAt: at('2020-03-01') },
      // Red for a fortnight, and red a minute ago: the new one first.
      {
        id: 'c',
        severity: 'red' as const,
        latestAlertAt: at('2020-04-14T11:59Z'),
        openedAt: at('2020-04-10'),
      },
      { id: 'd', severity: 'red' as const, latestAlertAt: at('2020-04-01'), openedAt: at('2020-03-02') },
      { id: 'e', severity: 'amber' as const, latestAlertAt: at('2020-04-01'), openedAt: at('2020-03-20') },
      { id: 'f', severity: 'red' as const, latestAlertAt: at('2020-04-01'), openedAt: at('2020-03-02') },
    ]
    expect(rows.sort(compareWorklist).map((r) => r.id)).toEqual(['c', 'd', 'f', 'e', 'a', 'b'])
  })

  it('reads the worklist’s search, filters and order, ignoring what it does not know', () => {
    expect(worklistQueryFrom({})).toEqual({
      show: 'all',
      search: '',
      area: '',
      serviceType: '',
      rag: '',
      alertKind: '',
      order: 'urgent',
    })
    const query = worklistQueryFrom({
      show: 'mine',
      search: '  NM1 2AB ',
      rag: 'red',
      alertKind: 'capacity_tracker',
      order: 'name',
    })
    expect(query).toMatchObject({ show: 'mine', search: 'NM1 2AB', rag: 'red', order: 'name' })
    expect(
      worklistQueryFrom({ rag: 'purple', alertKind: 'gossip', order: 'random', show: 'x' }),
    ).toMatchObject({ rag: '', alertKind: '', order: 'urgent', show: 'all' })
    // Links carry what was chosen, not the defaults.
    expect(worklistQueryString(query)).toBe(
      'show=mine&search=NM1+2AB&rag=red&alertKind=capacity_tracker&order=name',
    )
    expect(worklistQueryString(query, { show: 'all', order: 'urgent', search: '' })).toBe(
      'rag=red&alertKind=capacity_tracker',
    )
  })

  it('says how long ago a case opened in words', () => {
    const now = new Date('2020-04-14T12:00:00Z')
    const ago = (ms: number) => timeAgo(new Date(now.getTime() - ms), now)
    expect(ago(20_000)).toBe('just now')
    expect(ago(60_000)).toBe('1 minute ago')
    expect(ago(3 * 3_600_000)).toBe('3 hours ago')
    expect(ago(26 * 3_600_000)).toBe('1 day ago')
    expect(ago(20 * 86_400_000)).toBe('2 weeks ago')
    expect(ago(90 * 86_400_000)).toBe('3 months ago')
  })

  it('reads an unknown filter as all open cases', () => {
    expect(worklistFilterFrom('mine')).toBe('mine')
    expect(worklistFilterFrom('everything')).toBe('all')
    expect(worklistFilterFrom(undefined)).toBe('all')
  })
})

describe('forms', () => {
  it('checks an action’s description and due date', () => {
    expect(actionProblems({ description: 'Ring the manager', dueOn: '2020-04-15' }, '2020-04-14')).toEqual({})
    expect(actionProblems({ description: '', dueOn: '2020-02-30' }, '2020-04-14')).toEqual({
      description: 'Enter what will be done',
      dueOn: 'The due date must be a real date, for example 17 4 2020',
    })
    expect(actionProblems({ description: 'x', dueOn: '2020-04-13' }, '2020-04-14')).toHaveProperty('dueOn')
  })

  it('checks intelligence against the partners that may have reported it', () => {
    const ok = {
      partnerOrganisationId: 'ccg',
      severity: 'red',
      title: 'Staff off sick',
      report: 'Half the night staff',
    }
    expect(intelligenceProblems(ok, ['ccg'])).toEqual({})
    expect(
      Object.keys(
        intelligenceProblems(
          { ...ok, partnerOrganisationId: 'other', severity: 'green', title: '', report: '' },
          ['ccg'],
        ),
      ),
    ).toEqual(['partnerOrganisationId', 'severity', 'title', 'report'])
  })
})

describe('evidence and digests', () => {
  it('says the figures that triggered an alert in plain English', () => {
    expect(describeEvidence({ lowestPpeDays: 1, lowestPpeItem: 'gloves' })).toEqual([
      'Gloves: 1 day of stock left',
    ])
    expect(
      describeEvidence({
        helpRequested: true,
        helpRequestedKinds: ['ppe', 'staffing'],
        suspectedCases14Days: 2,
        returnId: 'r1',
        returnPeriodStart: '2020-04-14',
      }),
    ).toEqual([
      'The provider asked for help with: PPE, Staffing',
      '2 new suspected COVID-19 cases in the last 14 days',
      'From the return for the period starting 14 April 2020',
    ])
    expect(describeEvidence({ trackerStatus: 'red', staffAbsentCovid: 4, blank: null })).toEqual([
      'Status on the national capacity tracker: red',
      'Staff absent covid: 4',
    ])
    expect(
      describeEvidence({
        staffAbsencePercent: 19,
        reason: 'Staff absence rose from 8 % to 19 % over 3 days',
      }),
    ).toEqual(['19% of staff absent', 'Staff absence rose from 8 % to 19 % over 3 days'])
  })

  it('gives each recipient one list of all their new red alerts', () => {
    const alerts = Array.from({ length: 30 }, (_, i) => ({
      alertId: `a${i}`,
      locationName: `Home ${String(i).padStart(2, '0')}`,
      title: 'PPE under 3 days',
      caseId: `c${i}`,
      recipients: i % 2 ? ['one@council.example', 'Two@council.example'] : ['two@council.example'],
    }))
    const grouped = groupByRecipient(alerts)
    expect([...grouped.keys()]).toEqual(['one@council.example', 'two@council.example'])
    expect(grouped.get('one@council.example')).toHaveLength(15)
    expect(grouped.get('two@council.example')).toHaveLength(30)
    expect(digestSubject(grouped.get('two@council.example')!)).toBe('30 new red alerts in CareHub')
    expect(digestSubject(alerts.slice(0, 1))).toBe('Red alert: Home 00: PPE under 3 days')
  })
})
