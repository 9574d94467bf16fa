#!/usr/bin/env bash
# Loopback throughput: the fake LINE Pay server in its own process, then the generated client and the
# hand-written baseline (throughput_bench run), then the npm line-pay-merchant client (npm/bench.mjs)
# against the same server. Usage: bash bench/throughput.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
port=${PORT:-18090}
addr=127.0.0.1:$port

cargo build --release --quiet -p payspec-bench --bin throughput_bench
target/release/throughput_bench serve "$addr" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

target/release/throughput_bench run "$addr" "$seconds"

echo
(cd bench/npm && npm ci --silent --no-audit --no-fund >/dev/null)
node bench/npm/bench.mjs "$addr" "$seconds"
