-- wrk prints this one JSON line when a run ends: latencies in microseconds, as bench/suite.py reads them.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "requests": %d, "duration_us": %d, ' ..
    '"socket_errors": %d, "status_errors": %d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
