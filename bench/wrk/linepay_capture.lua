-- The body of a LINE Pay capture, for wrk against the throughput fake (which does not check
-- signatures): how many captures per second the fake itself can answer.
wrk.method = "POST"
wrk.path = "/v3/payments/authorizations/2021121300698360310/capture"
wrk.body = '{"amount":1000,"currency":"TWD"}'
wrk.headers["Content-Type"] = "application/json"
