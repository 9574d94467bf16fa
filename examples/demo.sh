#!/usr/bin/env bash
# Runs every example against the local fake provider: signed calls that succeed, documented errors
# that come back as their typed variants, and a request the validator stops before it is sent.
set -uo pipefail
cd "$(dirname "$0")/.."

# cargo shows its progress: the first build takes minutes on a fresh machine.
cargo build -p payspec-examples || exit 1
bin=${CARGO_TARGET_DIR:-target}/debug
port=${PORT:-18080}

export LINEPAY_CHANNEL_ID=1234567890 LINEPAY_CHANNEL_SECRET=demo-channel-secret
export ELEPAY_SECRET_KEY=sk_test_demo
export ALIPAYPLUS_CLIENT_ID=demo-client
export ALIPAYPLUS_PRIVATE_KEY_FILE=runtime/tests/vectors/test_private_pkcs8.pem
export ALIPAYPLUS_WALLET_PUBLIC_KEY_FILE=tests/data/test_wallet_public_spki.pem
export FAKE_MERCHANT_PUBLIC_KEY_FILE=runtime/tests/vectors/test_public_spki.pem
export FAKE_WALLET_PRIVATE_KEY_FILE=tests/data/test_wallet_private_pkcs8.pem
export LINEPAY_BASE_URL=http://127.0.0.1:$port ELEPAY_BASE_URL=http://127.0.0.1:$port
export ALIPAYPLUS_BASE_URL=http://127.0.0.1:$port/alipayplus

$bin/fake_provider 127.0.0.1:$port &
fake=$!
trap 'kill $fake 2>/dev/null' EXIT
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

step() { printf '\n$ %s\n' "$*"; "$@"; echo "(exit $?)"; }
step $bin/linepay_capture 2021121300698360310 1000 TWD
step $bin/linepay_capture 2021121300698360310 0 TWD
step $bin/linepay_capture 2021121300698360310 10 KRW
step $bin/linepay_payment_details 2021121300698360310
step $bin/linepay_pay_preapproved expired order-1 100 JPY Coffee
step $bin/alipayplus_capture capture-1 payment-1 500 USD
step $bin/alipayplus_capture capture-2 missing
step $bin/elepay_capture_charge ch_1 800
step $bin/elepay_capture_charge ch_missing

# Whole flows against the same fake, whose simulators remember every step: each prints its calls and
# the responses or typed errors as JSON, and ends with the illegal steps the provider refuses.
step $bin/linepay_flow
step $bin/linepay_preapproved_flow
step $bin/alipayplus_flow
step $bin/elepay_flow
