// The public provider-support return shows PPE apart. payments/index.ts reads it from the PPE
// capability's ledger (the value given free, up to the return's date); without one (the tests of the
// return alone), the return states a zero with the words "not recorded here".
import type { DbOrTransaction } from '../../db/database.ts'

// Read through the connection given (a publication is built inside its publishing transaction).
export type PpeSpent = (
  db: DbOrTransaction,
  councilId: string,
  asAt: string,
) => Promise<{ pence: number; recorded: boolean }>

export const ppeNotRecordedHere: PpeSpent = async () => ({ pence: 0, recorded: false })
