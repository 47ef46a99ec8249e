// Milliseconds on the monotonic clock that every thread of the process shares, and that V8's CPU
// profiles use (in microseconds): so RSS samples, query timings and profile samples line up.
export const monoMs = () => Number(process.hrtime.bigint()) / 1e6
