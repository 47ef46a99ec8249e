import pg from 'pg'
for (const url of ['postgres://postgres@127.0.0.1:5432/carehub_bench_national_365', 'postgres://postgres@127.0.0.1:5432/carehub_bench_national_365?host=/var/run/postgresql']) {
  const c = new pg.Client(url); await c.connect()
  const r = await c.query('select inet_server_addr() as a'); 
  const t0 = performance.now(); const cpu0 = process.cpuUsage()
  for (let i = 0; i < 20000; i++) await c.query({ name: 'x', text: 'select $1::int as n', values: [i] })
  const cpu = process.cpuUsage(cpu0)
  console.log(url.slice(-30), r.rows[0].a, ((performance.now() - t0) / 20000 * 1000).toFixed(1), 'µs/query wall', ((cpu.user + cpu.system) / 20000).toFixed(1), 'µs client cpu', (cpu.system/20000).toFixed(1), 'sys')
  await c.end()
}
