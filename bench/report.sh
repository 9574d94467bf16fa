#!/usr/bin/env bash
# Every figure of BENCHMARKS.md in one go: instruction counts (callgrind; independent of machine
# load), then wall and CPU times with their spread and the load average they were taken under.
# Usage: bash bench/report.sh [--no-compile-time]   (needs valgrind; Node.js and npm for the npm client)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== $(date -u +%F) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo; echo "== instructions (callgrind)"; bash bench/instructions.sh
echo; echo "== per-call work and decode, wall"; cargo run --release --quiet -p payspec-bench --bin calls_bench
echo; echo "== generator, wall and CPU"; cargo run --release --quiet -p payspec-bench --bin codegen_bench
echo; echo "== loopback throughput"; bash bench/throughput.sh 3
if [ "${1:-}" != --no-compile-time ]; then
    echo; echo "== compile time"; bash bench/compile_time.sh
fi
