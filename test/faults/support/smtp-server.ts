import net from 'node:net'

// A mail server on loopback, just enough SMTP for nodemailer (EHLO, MAIL, RCPT, DATA, QUIT), that the
// test takes down (nothing listens: connections are refused) and brings back on the same port. It
// keeps each message it accepted, as the text of its headers and body.
export async function startSmtpServer() {
  const received: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    socket.setEncoding('utf8')
    socket.write('220 mail.test ESMTP\r\n')
    let buffer = ''
    let data: string[] | null = null
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (data) {
          if (line === '.') {
            received.push(data.join('\n'))
            data = null
            socket.write('250 2.0.0 queued\r\n')
          } else data.push(line.startsWith('..') ? line.slice(1) : line)
          continue
        }
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') socket.write('250-mail.test\r\n250 8BITMIME\r\n')
        else if (verb === 'DATA') {
          data = []
          socket.write('354 end with <CRLF>.<CRLF>\r\n')
        } else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n')
        else socket.write('250 2.0.0 ok\r\n')
      }
    })
  })
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  await listen(0)
  const port = (server.address() as net.AddressInfo).port
  let up = true
  const down = () =>
    new Promise<void>((resolve) => {
      if (!up) return resolve()
      up = false
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
  return {
    port,
    received,
    // Subjects of the messages received, in order.
    subjects: () => received.map((m) => /^Subject: (.*)$/m.exec(m)?.[1] ?? ''),
    down,
    async up() {
      if (up) return
      await listen(port)
      up = true
    },
  }
}
