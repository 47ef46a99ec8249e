import type { BenchCase } from './bench-case.ts'
import { bulletinCase } from './bulletin.bench-case.ts'
import { cqcImportCase } from './cqc-import.bench-case.ts'
import { firstStartCase } from './first-start.bench-case.ts'
import { grantsAllocationCase } from './grants-allocation.bench-case.ts'
import { paymentRunCase } from './payment-run.bench-case.ts'

// Every case a measurement can name. Add dashboards and API submission here as they come.
export const benchCases: Record<string, BenchCase<never, unknown, unknown>> = {
  [cqcImportCase.id]: cqcImportCase,
  [grantsAllocationCase.id]: grantsAllocationCase as BenchCase<never, unknown, unknown>,
  [paymentRunCase.id]: paymentRunCase as BenchCase<never, unknown, unknown>,
  [bulletinCase.id]: bulletinCase as BenchCase<never, unknown, unknown>,
  [firstStartCase.id]: firstStartCase as BenchCase<never, unknown, unknown>,
}
