import fs from 'node:fs/promises'
import path from 'node:path'
import nodemailer from 'nodemailer'

export type MailMessage = { id: string; to: string; subject: string; body: string }

export type MailTransport = { name: string; send: (message: MailMessage) => Promise<void> }

// Development and tests: each e-mail is written as an .eml file, which any mail client opens.
export function fileTransport(dir: string, from: string): MailTransport {
  const mailer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    name: 'file',
    async send(message) {
      const info = await mailer.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.body,
      })
      await fs.mkdir(dir, { recursive: true })
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.id}.eml`)
      await fs.writeFile(file, info.message as Buffer)
    },
  }
}

export function smtpTransport(url: string, from: string): MailTransport {
  const mailer = nodemailer.createTransport(url)
  return {
    name: 'smtp',
    async send(message) {
      await mailer.sendMail({ from, to: message.to, subject: message.subject, text: message.body })
    },
  }
}

// GOV.UK Notify: one generic template whose personalisation carries the subject and body.
export async function notifyTransport(apiKey: string, templateId: string): Promise<MailTransport> {
  const { NotifyClient } = (await import('notifications-node-client')) as unknown as {
    NotifyClient: new (
      key: string,
    ) => {
      sendEmail: (
        t: string,
        to: string,
        o: { personalisation: Record<string, string>; reference: string },
      ) => Promise<unknown>
    }
  }
  const client = new NotifyClient(apiKey)
  return {
    name: 'notify',
    async send(message) {
      await client.sendEmail(templateId, message.to, {
        personalisation: { subject: message.subject, body: message.body },
        reference: message.id,
      })
    },
  }
}
