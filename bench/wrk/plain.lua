-- wrk script for a plain GET (e.g. /healthz): no request()/response() hooks, so wrk keeps
-- its fast static-request path; done() only adds the machine-readable "BENCH_JSON " line.
-- wrk counts non-2xx/3xx responses itself (summary.errors.status).
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"kind":"plain","duration_us":%d,"requests":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      summary.duration, summary.requests,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end
