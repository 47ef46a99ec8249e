import { randomInt } from 'node:crypto'
import { generate, generateSecret, generateURI, verify } from 'otplib'
import QRCode from 'qrcode'
import {
  codePeriodSeconds,
  codeToleranceSeconds,
  recoveryCodeAlphabet,
  recoveryCodeCount,
  recoveryCodeLength,
} from './domain/two-step.rules.ts'

// The authenticator key and its codes (RFC 6238: SHA-1, six digits, 30 seconds, as every app reads
// them), the QR code an app scans, and recovery codes. The key is kept sealed under this purpose.
export const twoStepKeyPurpose = 'two-step-key'

export function newTwoStepKey(): string {
  return generateSecret()
}

// The time step the code was accepted at, or null. `afterStep`: the last step accepted (a code works once).
export async function acceptedStep(
  key: string,
  code: string,
  now: Date,
  afterStep: number | null,
): Promise<number | null> {
  try {
    const result = await verify({
      secret: key,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      period: codePeriodSeconds,
      epochTolerance: codeToleranceSeconds,
      ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
    })
    return result.valid && 'timeStep' in result ? result.timeStep : null
  } catch {
    return null
  }
}

// The code an app shows at a time (tests, and the demo's documentation).
export function appCodeAt(key: string, at: Date): Promise<string> {
  return generate({ secret: key, epoch: Math.floor(at.getTime() / 1000), period: codePeriodSeconds })
}

// What an authenticator app scans: the key, named for the service and the person's e-mail address.
export function keyUri(key: string, email: string): string {
  return generateURI({ issuer: 'CareHub', label: email, secret: key })
}

// Drawn on the server as SVG markup, put inline in the page: no request leaves the browser with the key.
export function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
}

// The key as a person types it into an app: groups of four.
export function keyForTyping(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? key
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () =>
    Array.from(
      { length: recoveryCodeLength },
      () => recoveryCodeAlphabet[randomInt(recoveryCodeAlphabet.length)],
    ).join(''),
  )
}
