import * as cheerio from 'cheerio'
import { describe, expect, it } from 'vitest'
import { labelTableCells } from './table-labels.ts'
import { createViewEnvironment } from './views.ts'

function labelsOf(html: string): (string | undefined)[][] {
  const $ = cheerio.load(labelTableCells(html))
  return $('tbody tr')
    .toArray()
    .map((row) =>
      $(row)
        .children('td, th')
        .toArray()
        .map((cell) => $(cell).attr('data-label')),
    )
}

describe('labelTableCells', () => {
  it('gives each body cell of a GOV.UK table its column header, as the govukTable macro renders it', () => {
    const html = createViewEnvironment().renderString(
      `{% from "govuk/components/table/macro.njk" import govukTable %}{{ govukTable({
        head: [{ text: 'Location' }, { text: 'Beds "free"' }, { html: 'Owner <span class="govuk-visually-hidden">of the case</span>' }],
        firstCellIsHeader: true,
        rows: [[{ text: 'Meadow House' }, { text: '3' }, { text: 'Sam' }], [{ text: 'Oak Lodge' }, { text: '0' }, { text: '' }]]
      }) }}`,
      {},
    )
    // The row header names the card and gets no label of its own.
    expect(labelsOf(html)).toEqual([
      [undefined, 'Beds "free"', 'Owner of the case'],
      [undefined, 'Beds "free"', 'Owner of the case'],
    ])
  })

  it('counts columns across colspan, leaves spanning cells and existing labels alone', () => {
    const html = `<table class="govuk-table"><thead class="govuk-table__head">
      <tr><th colspan="2">When</th><th>What</th></tr>
      <tr><th>Day</th><th>Time</th><th>Kind</th></tr></thead>
      <tbody><tr><td colspan="2">6 Dec, 09:00</td><td data-label="Own">Call</td></tr>
      <tr><td>6 Dec</td><td>09:00</td><td>Call</td></tr>
      <tr><td colspan="3">No contacts</td></tr></tbody></table>`
    expect(labelsOf(html)).toEqual([[undefined, 'Own'], ['Day', 'Time', 'Kind'], [undefined]])
  })

  it('leaves other tables, tables without a head and nested tables as they are, and the rest of the page intact', () => {
    const plain =
      '<p>Before</p><table class="app-other"><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
    const headless = '<table class="govuk-table"><tbody><tr><td>1</td></tr></tbody></table><p>After</p>'
    const nested =
      '<table class="govuk-table"><thead><tr><th>A</th></tr></thead><tbody><tr><td><table><tr><td>x</td></tr></table></td></tr></tbody></table>'
    expect(labelTableCells(plain)).toBe(plain)
    expect(labelTableCells(headless)).toBe(headless)
    expect(labelTableCells(nested)).toBe(nested)
  })

  it('labels every table of a page, each from its own head', () => {
    const table = (header: string) =>
      `<table class="govuk-table govuk-table--small-text-until-tablet"><thead><tr><th scope="col">${header}</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>`
    const html = `<h2>One</h2>${table('First')}<h2>Two</h2>${table('Second')}`
    const labelled = labelTableCells(html)
    expect(labelsOf(html)).toEqual([['First'], ['Second']])
    expect(labelled.replace(/ data-label="[^"]*"/g, '')).toBe(html)
  })
})
