import { composeFromConfig } from '../../../src/composition.ts'
import { loadConfig } from '../../../src/config.ts'
import { loadActor } from '../../../src/modules/access/actor.repository.ts'

// A process of its own that prepares a payment run as the web's "Prepare a run" does, with the app's
// own composition root and configuration (DATABASE_URL), for a test to kill mid-way:
// node --import tsx prepare-payment-run.ts USER_ID FROM TO
const [userId, from, to] = process.argv.slice(2)
const services = await composeFromConfig(loadConfig())
const signedIn = await loadActor(services.db, userId!)
if (!signedIn) throw new Error('no such user')
const outcome = await services.paymentRuns.prepare(signedIn.actor, { from: from!, to: to! })
console.log(JSON.stringify(outcome))
await services.db.destroy()
