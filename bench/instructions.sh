#!/usr/bin/env bash
# Instructions per call, counted by callgrind, which unlike wall time does not depend on what else the
# machine is doing: each measurement runs the program with N and with 2N iterations and reports
# (count(2N) - count(N)) / N, so start-up, connection set-up and warm-up cancel out.
#
# - a LINE Pay, Alipay+ and elepay capture through the generated client and through the hand-written
#   reqwest baseline, against the fake server (its own process, not counted), on loopback;
# - the Payment Details decode of 100 transactions: payspec, the hand-written owned floor, and the
#   hand-written borrowed decode;
# - one generator run (load + check + emit) on the real spec/ and on 100 synthetic operations.
#
# Usage: bash bench/instructions.sh   (needs valgrind)
set -euo pipefail
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (instruction counts do not depend on it)"
cd "$(dirname "$0")/.."
port=${PORT:-18091}
addr=127.0.0.1:$port
cargo build --release --quiet -p payspec-bench --bin throughput_bench --bin calls_bench --bin codegen_bench
out=$(mktemp -d)
target/release/throughput_bench serve "$addr" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# Total instructions of one run (callgrind's "Collected" line).
count() {
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" "$@" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -n 1
}
# Instructions per iteration of `$@ N`.
per() {
    local n=$1
    shift
    local one two
    one=$(count "$@" "$n")
    two=$(count "$@" "$((2 * n))")
    echo $(((two - one) / n))
}
row() { printf '%-52s %14s %12s\n' "$1" "$2" "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

row "per call, client side (callgrind)" "instructions" "ratio"
for provider in linepay alipayplus elepay; do
    n=400
    [ "$provider" = alipayplus ] && n=20
    ours=$(per "$n" target/release/throughput_bench calls "$addr" "$provider" payspec)
    theirs=$(per "$n" target/release/throughput_bench calls "$addr" "$provider" baseline)
    row "$provider capture: payspec" "$ours" "$(ratio "$ours" "$theirs")"
    row "$provider capture: hand-written reqwest baseline" "$theirs" "1.000"
done
echo
row "Payment Details, 100 transactions (67 KB)" "instructions" "/ floor"
payspec=$(per 10 target/release/calls_bench decode-payspec)
floor=$(per 10 target/release/calls_bench decode-floor)
borrowed=$(per 10 target/release/calls_bench decode-borrowed)
row "payspec decode (envelope + typed info)" "$payspec" "$(ratio "$payspec" "$floor")"
row "hand-written, owned strings, one pass (floor)" "$floor" "1.000"
row "hand-written, borrowed &str, one pass" "$borrowed" "$(ratio "$borrowed" "$floor")"
echo
row "generator, one run (load + check + emit)" "instructions" ""
row "real spec/" "$(per 2 target/release/codegen_bench once 0)" ""
row "100 synthetic operations" "$(per 1 target/release/codegen_bench once 100)" ""
