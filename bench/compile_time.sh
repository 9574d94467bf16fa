#!/usr/bin/env bash
# Compile time of the generated crate, as an application that depends on it builds it, on a copy of
# the workspace with private target dirs (nothing here touches the checkout's target/).
#
# The consumer is a scratch application outside the workspace that depends on `payspec` by version,
# patched to the packages `cargo package` makes (what crates.io would serve). Registry dependencies
# are built without incremental compilation, so these builds are too (CARGO_INCREMENTAL=0); the
# application's own dev profile applies, as it would. Measured: a clean build with every provider
# and with LINE Pay only (wall, and the unit time of payspec's two crates from cargo's --timings);
# then payspec's two crates rebuilt alone (the rest built) for LINE Pay with and without the
# `receivers` feature; and the maintainers' cycle in the workspace: edit a spec, regenerate, rebuild.
# Usage: bash bench/compile_time.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/ws"
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$work/ws" -xf -
cd "$work/ws"
cargo fetch --quiet
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' generated/Cargo.toml)

export CARGO_TARGET_DIR="$work/ws-target"
cargo package --quiet --no-verify --allow-dirty -p payspec-runtime -p payspec
mkdir "$work/packages"
for name in payspec-runtime payspec; do
    tar -xzf "$CARGO_TARGET_DIR/package/$name-$version.crate" -C "$work/packages"
done
mkdir -p "$work/app/src"
echo 'fn main() {}' > "$work/app/src/main.rs"
consumer() {
    cat > "$work/app/Cargo.toml" <<EOF
[package]
name = "consumer"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
payspec = { version = "$version", $1 }

[patch.crates-io]
payspec = { path = "$work/packages/payspec-$version" }
payspec-runtime = { path = "$work/packages/payspec-runtime-$version" }

[workspace]
EOF
}

seconds() { local start=$EPOCHREALTIME; "$@" > /dev/null 2>&1; awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
line() { printf '%-60s %14s\n' "$1" "$2"; }
# Per-crate times from the newest --timings page: payspec's own crates against everything else.
units() {
    python3 - "$1"/cargo-timings/cargo-timing.html <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
own = sum(u["duration"] for u in units if u["name"] in ("payspec", "payspec-runtime"))
total = sum(u["duration"] for u in units)
for name in ("payspec", "payspec-runtime"):
    d = sum(u["duration"] for u in units if u["name"] == name)
    print(f"{'  crate ' + name + ' (unit time)':<60} {d:>12.1f} s")
print(f"{'  payspec + payspec-runtime (unit time)':<60} {own:>12.1f} s")
print(f"{'  share in payspec crates (of summed unit time)':<60} {100 * own / total:>12.1f} %")
PY
}

cd "$work/app"
export CARGO_INCREMENTAL=0
export CARGO_TARGET_DIR="$work/all"
consumer 'default-features = true'
line "consumer, clean build, all providers (dev): wall" "$(seconds cargo build --timings) s"
units "$CARGO_TARGET_DIR"

export CARGO_TARGET_DIR="$work/one"
consumer 'default-features = false, features = ["linepay"]'
line "consumer, clean build, LINE Pay only (dev): wall" "$(seconds cargo build --timings) s"
units "$CARGO_TARGET_DIR"

# The two crates alone, everything under them built: their own cost without other crates competing.
cargo clean --quiet -p payspec -p payspec-runtime
line "LINE Pay only, payspec's crates rebuilt alone: wall" "$(seconds cargo build --timings) s"
units "$CARGO_TARGET_DIR"
consumer 'default-features = false, features = ["linepay", "receivers"]'
cargo clean --quiet -p payspec -p payspec-runtime
line "LINE Pay + receivers, payspec's crates rebuilt alone: wall" "$(seconds cargo build --timings) s"
units "$CARGO_TARGET_DIR"

cd "$work/ws"
unset CARGO_INCREMENTAL
export CARGO_TARGET_DIR="$work/ws-target"
cargo build --quiet -p xtask
cargo build --quiet -p payspec
sed -i 's/^summary: Capture a payment that was only authorized\./summary: Capture a payment that was only authorized (edited)./' spec/linepay/capture.yaml
line "workspace: edit a spec, regenerate, rebuild payspec" "$(seconds bash -c 'cargo xtask codegen && cargo build -p payspec') s"
