-- wrk script: POSTs the case in $CASE (one JSON file) on every request,
-- and reports the latency percentiles wrk measured, in microseconds.
local f = assert(io.open(os.getenv("CASE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
wrk.headers["Content-Type"] = "application/json"
f:close()

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
