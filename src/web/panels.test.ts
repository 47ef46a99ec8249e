import { describe, expect, it } from 'vitest'
import { panelView } from './panels.ts'

describe('panelView', () => {
  it('puts atTop panels first, the rest in order, and their variables beside the page', () => {
    const view = panelView(
      [
        { template: 'a.njk', context: { a: 1 }, links: [{ href: '/a', text: 'A' }] },
        { template: 'declined.njk', context: { declined: true }, atTop: true },
        { template: 'b.njk', showsRiskStatus: true },
      ],
      { pageTitle: 'Home' },
    )
    expect(view.topPanelTemplates).toEqual(['declined.njk'])
    expect(view.panelTemplates).toEqual(['a.njk', 'b.njk'])
    expect(view.panelLinks).toEqual([{ href: '/a', text: 'A' }])
    expect(view).toMatchObject({ a: 1, declined: true, riskStatusShown: true })
  })

  it('refuses a panel variable that would hide one of the page', () => {
    expect(() =>
      panelView([{ template: 'x.njk', context: { pageTitle: 'x' } }], { pageTitle: 'Home' }),
    ).toThrow(/pageTitle hides another/)
  })
})
