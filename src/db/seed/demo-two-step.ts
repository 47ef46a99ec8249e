import { setUpTwoStepWithKey, twoStepRequired } from '../../modules/access/index.ts'
import type { Db } from '../database.ts'
import { demoUsers } from './demo-county.ts'

// The demo's users whose roles need two-step sign-in share this authenticator key (printed with the
// demo sign-ins), so that a person trying the demo can add it to an app. A demo key, never a real one.
export const demoTwoStepKey = 'CAREHUBDEMOKEYNORTHMOORCOUNTY234'

export const demoUsersWithTwoStep = demoUsers.filter((u) => twoStepRequired(u.role))

// Sealed with the service's own secret, so it is done by whoever loads the demo for that service.
export async function setUpDemoTwoStep(db: Db, cookieSecret: string, now: Date): Promise<void> {
  for (const demoUser of demoUsersWithTwoStep) {
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', demoUser.email)
      .executeTakeFirst()
    if (user) await setUpTwoStepWithKey(db, { userId: user.id, key: demoTwoStepKey, cookieSecret, now })
  }
}

// What the demo's sign-in list adds about two-step sign-in.
export function demoTwoStepNote(): string {
  return `Two-step sign-in for ${demoUsersWithTwoStep.map((u) => u.email).join(', ')}: add this key to an authenticator app: ${demoTwoStepKey}`
}
