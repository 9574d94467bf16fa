#!/usr/bin/env bash
# Compile time of the generated crate, on a copy of the workspace with private target dirs (nothing
# here touches the checkout's target/): a clean build with every provider and with one provider, the
# share of that build spent in payspec's own crates (from cargo's --timings data), and an
# incremental cycle: change one spec, regenerate, rebuild. Usage: bash bench/compile_time.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/ws"
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$work/ws" -xf -
cd "$work/ws"
cargo fetch --quiet

seconds() { local start=$EPOCHREALTIME; "$@" > /dev/null 2>&1; awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
line() { printf '%-48s %14s\n' "$1" "$2"; }

export CARGO_TARGET_DIR="$work/all"
all=$(seconds cargo build -p payspec --timings)
line "clean build, all providers (dev)" "${all} s"
# Per-crate times from cargo's --timings page: payspec's own crates against everything else.
units() {
    python3 - "$1/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
own = sum(u["duration"] for u in units if u["name"] in ("payspec", "payspec-runtime"))
total = sum(u["duration"] for u in units)
for name in ("payspec", "payspec-runtime"):
    d = sum(u["duration"] for u in units if u["name"] == name)
    print(f"{'  crate ' + name + ' (unit time)':<48} {d:>12.1f} s")
print(f"{'  share in payspec crates (of summed unit time)':<48} {100 * own / total:>12.1f} %")
PY
}
units "$work/all"

export CARGO_TARGET_DIR="$work/one"
one=$(seconds cargo build -p payspec --no-default-features --features linepay --timings)
line "clean build, linepay only (dev)" "${one} s"
units "$work/one"

export CARGO_TARGET_DIR="$work/all"
cargo build --quiet -p xtask
sed -i 's/^summary: Capture a payment that was only authorized\./summary: Capture a payment that was only authorized (edited)./' spec/linepay/capture.yaml
incremental=$(seconds bash -c 'cargo xtask codegen && cargo build -p payspec')
line "incremental: edit a spec, regenerate, rebuild" "${incremental} s"
