import net from 'node:net'

// A TCP proxy on loopback between the app and its database, that a test can cut: every connection
// through it is dropped at once and new ones are refused (nothing listens on its port) until it is
// restored on the same port. Only connections made through it are touched, never anyone else's.
export type TcpProxy = {
  port: number
  // Connections open through the proxy now.
  openConnections: () => number
  cut: () => Promise<void>
  restore: () => Promise<void>
  close: () => Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // A reset while being cut is expected: the other side is destroyed too.
    socket.on('error', () => socket.destroy())
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    track(client)
    track(upstream)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
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
  let listening = true

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve()
      listening = false
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })

  return {
    port,
    openConnections: () => sockets.size / 2,
    cut: stopListening,
    async restore() {
      if (listening) return
      await listen(port)
      listening = true
    },
    close: stopListening,
  }
}
