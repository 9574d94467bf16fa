#!/usr/bin/env bash
# Loopback throughput: the fake server (LINE Pay, Alipay+ and elepay captures) in its own process;
# first its own headroom under the load generator wrk, so that a saturated server cannot pass for a
# client's result; then the generated clients against the hand-written baselines (throughput_bench
# run), then the npm line-pay-merchant client (npm/bench.mjs) against the same server.
# Usage: bash bench/throughput.sh [SECONDS] [PROVIDER...]
#
# wrk is Debian's 4.1.0 (installed here when missing: apt-get install wrk=4.1.0-3+b2).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shift || true
port=${PORT:-18090}
addr=127.0.0.1:$port

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
cargo build --release --quiet -p payspec-bench --bin throughput_bench
target/release/throughput_bench serve "$addr" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

if ! command -v wrk >/dev/null; then
    apt-get install -y -qq wrk=4.1.0-3+b2 >/dev/null 2>&1 || sudo apt-get install -y -qq wrk=4.1.0-3+b2 >/dev/null
fi
echo "the fake server's own capacity (wrk, one thread, LINE Pay captures; compare with the 64-caller rates below):"
for connections in 1 64; do
    rate=$(wrk -t1 -c"$connections" -d"${seconds}s" -s bench/wrk/linepay_capture.lua "http://$addr" | awk '/Requests\/sec/ { print $2 }')
    printf '  %2d connection(s): %s requests/s\n' "$connections" "$rate"
done
echo

target/release/throughput_bench run "$addr" "$seconds" "$@"

echo
(cd bench/npm && npm ci --silent --no-audit --no-fund >/dev/null)
node bench/npm/bench.mjs "$addr" "$seconds"
