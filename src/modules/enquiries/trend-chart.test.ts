import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { trendTable } from './domain/enquiry.rules.ts'
import { trendChartSvg } from './trend-chart.ts'

describe('the enquiry trends chart', () => {
  const weeks = ['2020-03-30', '2020-04-06', '2020-04-13']
  const table = trendTable(
    [
      { category: 'ppe', receivedAt: new Date('2020-04-07T09:00:00Z') },
      { category: 'ppe', receivedAt: new Date('2020-04-08T09:00:00Z') },
      { category: 'finance', receivedAt: new Date('2020-04-08T09:00:00Z') },
      { category: 'guidance', receivedAt: new Date('2020-04-14T09:00:00Z') },
    ],
    weeks,
  )

  it('is an image with a title and description, one bar segment per non-zero count', () => {
    const $ = load(trendChartSvg(table), { xml: true })
    const svg = $('svg')
    expect(svg.attr('role')).toBe('img')
    expect(svg.attr('aria-labelledby')).toBe('trend-title trend-desc')
    expect($('svg > title').text()).toBe('Enquiries per week by category')
    expect($('desc').text()).toContain('4 enquiries')
    const segments = $('rect > title')
      .map((_, t) => $(t).text())
      .get()
    expect(segments.sort()).toEqual(
      ['Finance, week of 6 Apr: 1', 'Guidance, week of 13 Apr: 1', 'PPE, week of 6 Apr: 2'].sort(),
    )
  })

  it('draws taller bars for larger weeks', () => {
    const $ = load(trendChartSvg(table), { xml: true })
    const height = (label: string) =>
      Number(
        $('rect')
          .filter((_, r) => $(r).children('title').text() === label)
          .attr('height'),
      )
    expect(height('PPE, week of 6 Apr: 2')).toBeCloseTo(2 * height('Finance, week of 6 Apr: 1'), 0)
  })

  it('escapes text and copes with no enquiries at all', () => {
    const empty = trendTable([], weeks)
    const svg = trendChartSvg(empty)
    expect(svg).toContain('0 enquiries')
    expect(load(svg, { xml: true })('rect > title').length).toBe(0)
    expect(svg).not.toMatch(/NaN|Infinity/)
  })
})
