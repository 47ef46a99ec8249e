// THE PPE SEAM. The public provider-support return shows PPE apart, from the PPE capability's ledger
// (issue 20, built in parallel). Until that ledger exists here, the return states a zero with the
// words "not recorded here". When it exists: give createSupportReturnService a `ppeSpent` that reads
// the ledger (spent = reached providers, on or before the date), and nothing else changes.
export type PpeSpent = (councilId: string, asAt: string) => Promise<{ pence: number; recorded: boolean }>

export const ppeNotRecordedHere: PpeSpent = async () => ({ pence: 0, recorded: false })
