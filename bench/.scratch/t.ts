import { generateCareDirectoryCsv, roundTripsFixture } from '/work/main/bench/cqc-fixture.ts'
console.log('roundtrip', roundTripsFixture())
const t = Date.now()
const g = generateCareDirectoryCsv(50000)
console.log(Date.now() - t, g.content.length, g.repetitions, g.distinctProviders)
console.log(g.content.toString().split('\n').slice(0, 3).join('\n').slice(0, 1500))
