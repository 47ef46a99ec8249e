import fc from 'fast-check'
import type { Fields, Route, RouteFacts } from './fuzz-world.ts'

// Generated requests: the values the app's own pages offer for each field, mixed with what a browser
// never sends — wrong types, huge strings, unicode, NUL bytes, lists where one value is expected,
// negative and impossible numbers, impossible dates and prototype-polluting names.

const pollutingNames = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']

const oddities = [
  ...['', ' ', '0', '-1', '-0', '1.5', ' 7 ', '0x1F', '1e309', 'NaN', 'Infinity', '-Infinity'],
  ...['9007199254740993', '99999999999999999999', '-2147483649', '2147483648', 'true', 'null', '[]', '{}'],
  ...['2026-02-30', '2020-13-01', '0000-00-00', '9999-12-31', '2021-02-29', '31/12/2020', '2020-4-1'],
  ...['2020-04-14T25:00', '00:00', '24:61', 'today', '1 Jan 2020'],
  ...["'", '"', "'; --", '\\', '%', '%00', '../../etc/passwd', '<script>alert(1)</script>', '{{ 7*7 }}'],
  ...['a\u0000b', '\u0000', '\ud800', '\udfff x', 'é', '🏥', '\u202e', '\r\n', '\t=1+1', 'ﷺ', 'Ⅻ', '١٢'],
  ...pollutingNames,
]

const huge = fc
  .tuple(fc.constantFrom('x', 'é', '9', '🏥 '), fc.integer({ min: 300, max: 60_000 }))
  .map(([c, n]) => c.repeat(n))

export const oddText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...oddities), weight: 6 },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
  { arbitrary: fc.integer().map(String), weight: 2 },
  { arbitrary: fc.double({ noNaN: false }).map(String), weight: 1 },
  { arbitrary: fc.uuid().map(String), weight: 1 },
  {
    arbitrary: fc
      .date({ min: new Date('1000-01-01'), max: new Date('3000-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    weight: 1,
  },
  { arbitrary: huge, weight: 1 },
)

// One field's value: mostly what the page offers (or a plausible value), otherwise odd; sometimes a list.
function fieldValue(offered: Set<string>): fc.Arbitrary<string | string[]> {
  const good = [...offered].filter((v) => v !== '')
  const plausible = good.length > 0 ? fc.constantFrom(...good) : oddText
  const one = fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: oddText, weight: 2 })
  return fc.oneof(
    { arbitrary: one, weight: 8 },
    { arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }), weight: 1 },
  )
}

// A JSON value of any type, for JSON bodies (where the type itself can be wrong).
const jsonScalar = fc.oneof(
  oddText,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
)
const jsonValue = (offered: Set<string>) =>
  fc.oneof(
    { arbitrary: fieldValue(offered), weight: 6 },
    { arbitrary: jsonScalar, weight: 3 },
    { arbitrary: fc.array(jsonScalar, { maxLength: 3 }), weight: 1 },
    {
      arbitrary: fc.dictionary(fc.constantFrom(...pollutingNames, 'a', 'value'), jsonScalar, { maxKeys: 2 }),
      weight: 1,
    },
  )

const extraName = fc.oneof(
  fc.constantFrom(...pollutingNames, 'id', 'role', 'status', 'a[b]', 'x.y'),
  fc.string({ maxLength: 8 }),
)

// A set of fields: each of the route's known fields present or not, and some it does not expect.
function fieldSet<T>(fields: Fields, value: (offered: Set<string>) => fc.Arbitrary<T>) {
  const known = [...fields.entries()].map(([name, offered]) =>
    fc.option(
      value(offered).map((v) => [name, v] as const),
      { nil: undefined, freq: 5 },
    ),
  )
  return fc
    .tuple(fc.tuple(...known), fc.array(fc.tuple(extraName, value(new Set())), { maxLength: 2 }))
    .map(([present, extra]) => [...present.filter((e) => e !== undefined), ...extra] as [string, T][])
}

// Percent-encodes any string as UTF-8 (lone surrogates become U+FFFD, as a browser sends them).
const encode = (s: string) => encodeURIComponent(s.replace(/\p{Cs}/gu, '\ufffd'))
const urlEncoded = (entries: [string, string | string[]][]) =>
  entries.flatMap(([k, v]) => [v].flat().map((one) => `${encode(k)}=${encode(one)}`)).join('&')

// Broken encodings sent as they are: a stray %, an invalid escape, an encoded NUL or lone surrogate.
const rawTail = fc.option(
  fc.constantFrom('%', '%zz', '%FF%FE', '%ED%A0%80', '%00', '&&=&', '=x', 'a=%C0%AF'),
  {
    nil: '',
    freq: 6,
  },
)

export type FuzzRequest = {
  path: string
  query: string
  body?: { contentType: string; payload: string | Buffer }
}

function pathFor(route: Route, facts: RouteFacts, knownIds: string[]) {
  if (route.params.length === 0) return fc.constant(route.url)
  const real = facts.realParams
  const param = (name: string) =>
    fc.oneof(
      { arbitrary: knownIds.length ? fc.constantFrom(...knownIds) : fc.uuid().map(String), weight: 1 },
      { arbitrary: fc.uuid().map(String), weight: 1 },
      {
        arbitrary: fc.constantFrom('0', '-1', '1', '999999999999', 'new', 'x', '%', '..', '1e3', name),
        weight: 1,
      },
      { arbitrary: oddText.filter((s) => s.length > 0 && s.length < 2000), weight: 1 },
    )
  const generated = fc.tuple(...route.params.map(param)).map((values) => values)
  const fromPages = real.length
    ? fc.constantFrom(...real).map((p) => route.params.map((name) => p[name]!))
    : generated
  // Real ids with one parameter swapped, so a route's later parameters meet odd values too.
  const mixed = fc.tuple(fromPages, generated, fc.nat()).map(([r, g, i]) => {
    const out = [...r]
    out[i % out.length] = g[i % g.length]!
    return out
  })
  return fc
    .oneof(
      { arbitrary: fromPages, weight: 3 },
      { arbitrary: generated, weight: 1 },
      { arbitrary: mixed, weight: 1 },
    )
    .map((values) => {
      let i = 0
      return route.url.replace(/:(\w+)/g, () => encode(values[i++]!))
    })
}

export function requestFor(
  route: Route,
  facts: RouteFacts,
  knownIds: string[],
  csrfToken: string,
): fc.Arbitrary<FuzzRequest> {
  const path = pathFor(route, facts, knownIds)
  const query = facts.readsQuery
    ? fc
        .tuple(fieldSet(facts.query, fieldValue), rawTail)
        .map(([entries, tail]) => [urlEncoded(entries), tail].filter(Boolean).join('&'))
    : fc.constant('')
  if (route.method === 'GET') return fc.record({ path, query })
  const api = route.url.startsWith('/api/')
  const csrf: [string, string][] = api ? [] : [['_csrf', csrfToken]]
  const form = fc.tuple(fieldSet(facts.body, fieldValue), rawTail).map(([entries, tail]) => ({
    contentType: 'application/x-www-form-urlencoded',
    payload: [urlEncoded([...csrf, ...entries]), tail].filter(Boolean).join('&'),
  }))
  const json = fc.tuple(fieldSet(facts.body, jsonValue), fc.boolean()).map(([entries, broken]) => ({
    contentType: 'application/json',
    payload: JSON.stringify(Object.fromEntries([...csrf, ...entries])).slice(0, broken ? -1 : undefined),
  }))
  const multipart = fc
    .tuple(
      fieldSet(facts.body, fieldValue),
      fileContent,
      fc.constantFrom('a.csv', 'a.xlsx', 'x.json', '', 'é 🏥.csv', '../x.csv'),
    )
    .map(([entries, file, fileName]) =>
      multipartBody([...csrf, ...entries], [...facts.files], file, fileName),
    )
  const body = api
    ? fc.oneof({ arbitrary: json, weight: 4 }, { arbitrary: form, weight: 1 })
    : facts.multipart
      ? fc.oneof({ arbitrary: multipart, weight: 4 }, { arbitrary: form, weight: 1 })
      : fc.oneof({ arbitrary: form, weight: 4 }, { arbitrary: json, weight: 1 })
  return fc.record({ path, query, body })
}

const fileContent = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
  fc
    .array(
      fc
        .array(
          oddText.filter((s) => s.length < 200),
          { maxLength: 6 },
        )
        .map((cells) => cells.join(',')),
      {
        maxLength: 6,
      },
    )
    .map((rows) => Buffer.from(rows.join('\n'))),
)

const boundary = '----carehub-fuzz-boundary'
function multipartBody(
  entries: [string, string | string[]][],
  fileFields: string[],
  file: Buffer,
  fileName: string,
) {
  const parts: Buffer[] = []
  for (const [name, value] of entries)
    for (const one of [value].flat())
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '')}"\r\n\r\n${one}\r\n`,
        ),
      )
  for (const field of fileFields.length ? fileFields : ['file'])
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file,
      Buffer.from('\r\n'),
    )
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { contentType: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(parts) }
}
