import { describe, expect, it } from 'vitest'
import { describe as describeChart, escapeXml, niceMax, svgChart } from './charts.ts'

describe('server-drawn charts', () => {
  const points = [
    { label: '1 Apr', value: 3 },
    { label: '8 Apr', value: null },
    { label: '15 Apr', value: 12 },
  ]

  it('is an image with a title and a description a screen reader can read', () => {
    const svg = svgChart(points, { id: 'c1', title: 'Cases <new>', description: 'New cases', unit: 'cases' })
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="c1-title c1-desc"/)
    expect(svg).toContain('<title id="c1-title">Cases &lt;new&gt;</title>')
    expect(svg).toContain(
      '<desc id="c1-desc">New cases. From 3 cases on 1 Apr to 12 cases on 15 Apr; highest 12 cases on 15 Apr.',
    )
    // Two bars: the missing week is a gap, not a zero.
    expect(svg.match(/<rect /g)).toHaveLength(2)
  })

  it('draws lines for rates, skipping gaps', () => {
    const svg = svgChart(points, { id: 'c2', title: 'Rate', description: 'Absence', unit: '%', kind: 'line' })
    expect(svg.match(/<circle /g)).toHaveLength(2)
    expect(svg).toContain('Per cent')
  })

  it('says so when there are no figures', () => {
    expect(describeChart([{ label: 'x', value: null }], { description: 'Deaths', unit: 'deaths' })).toBe(
      'Deaths. No figures for these dates.',
    )
  })

  it('rounds the axis up to a readable number', () => {
    expect(niceMax(0)).toBe(1)
    expect(niceMax(7)).toBe(10)
    expect(niceMax(12)).toBe(20)
    expect(niceMax(230)).toBe(250)
    expect(niceMax(4999)).toBe(5000)
  })

  it('stacks the parts of each bar on the same axis, with a legend naming each series', () => {
    const svg = svgChart(
      [
        { label: '6 Apr', value: 3 },
        { label: '13 Apr', value: 0 },
      ],
      {
        id: 'c3',
        title: 'Enquiries',
        description: 'Enquiries per week',
        unit: 'enquiries',
        kind: 'stacked',
        series: [
          { name: 'PPE', values: [2, 0] },
          { name: 'Finance & <more>', values: [1, 0] },
        ],
        partTitle: (series, point, value) => `${series}, week of ${point.label}: ${value}`,
      },
    )
    // Two parts in the first week, none in the second; two legend keys.
    expect(svg.match(/<rect [^>]*class="carehub-chart__part"/g)).toHaveLength(2)
    expect(svg).toContain('<title>PPE, week of 6 Apr: 2</title>')
    expect(svg).toContain('>Finance &amp; &lt;more&gt;</text>')
    // The axis rounds 3 up to 5, at quarters, as every chart's does.
    expect(svg).toContain('>2.5</text>')
    expect(svg).toMatch(/>5<\/text>/)
    // The legend adds a line below the chart: the drawing is taller, the plot the same size.
    expect(svg).toContain('viewBox="0 0 640 292"')
  })

  it('escapes every character that could break out of the markup', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
})
