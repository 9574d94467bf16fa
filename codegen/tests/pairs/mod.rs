//! The before/after spec pairs of the spec-diff tests (`codegen/tests/specdiff.rs`), one place for
//! both that test and `cargo xtask semver-agreement`, which builds the generated crate on each side
//! and asks cargo-semver-checks whether it agrees with spec-diff's verdict.

#![allow(dead_code)]

/// One provider folder, `shop`: file name and text.
pub type Files = Vec<(&'static str, String)>;

/// A spec change: the `shop` folder before and after.
pub struct Pair {
    pub name: &'static str,
    pub before: Files,
    pub after: Files,
}

pub const PROVIDER: &str = r#"provider: shop
title: Shop
source: test
base_urls: { production: https://shop.example }
auth: line_pay_hmac_sha256
envelope: { kind: line_pay, success_codes: ["0000"] }
codes:
  "1104": { name: MerchantNotFound, description: No such merchant. }
types:
  Currency:
    kind: enum
    description: A currency.
    values: { JPY: Yen., USD: Dollar. }
"#;

pub const PAY: &str = r#"source: test
summary: Pay.
method: POST
path: /pay/{orderId}
path_params:
  orderId: { type: string, description: The order. }
request: PayRequest
response: PayInfo
codes:
  - "1104"
  - { code: "1184", name: AmountTooLarge, description: Too large. }
types:
  PayRequest:
    kind: struct
    description: A payment.
    fields:
      amount: { type: integer, required: true, description: The amount. }
      currency: { type: Currency, required: true, description: The currency. }
      note: { type: string, max_bytes: 100, description: A note. }
  PayInfo:
    kind: struct
    description: The result.
    fields:
      id: { type: string, required: true, max_chars: 20, description: The id. }
      status: { type: Status, description: The status. }
  Status:
    kind: enum
    description: A status.
    values: { DONE: Done. }
"#;

/// An Alipay+-style provider, for the result-status pairs.
pub const WALLET: &str = r#"provider: shop
title: Wallet
source: test
auth: alipay_plus_rsa256
envelope: { kind: alipay_plus }
"#;

pub const WALLET_PAY: &str = r#"source: test
summary: Pay.
method: POST
path: /pay
request: PayRequest
success_codes:
  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }
codes:
  - { code: PAYMENT_IN_PROCESS, result_status: U, outcome_unknown: true, description: Processing. }
types:
  PayRequest:
    kind: struct
    description: A payment.
    fields:
      id: { type: string, required: true, description: The id. }
"#;

/// A second operation, for the pairs that add or remove one.
pub const REFUND: &str = "source: test\nsummary: Refund.\nmethod: POST\npath: /refund\ncodes: [\"1104\"]\n";

fn files(provider: &str, pay: &str) -> Files {
    vec![("provider.yaml", provider.to_owned()), ("pay.yaml", pay.to_owned())]
}

fn with_refund(mut files: Files) -> Files {
    files.push(("refund.yaml", REFUND.to_owned()));
    files
}

/// A change to `pay.yaml` only.
fn pay_change(name: &'static str, from: &str, to: &str) -> Pair {
    assert!(PAY.contains(from), "{name}: {from:?} is not in PAY");
    Pair { name, before: files(PROVIDER, PAY), after: files(PROVIDER, &PAY.replace(from, to)) }
}

/// A change to `provider.yaml` only.
fn provider_change(name: &'static str, from: &str, to: &str) -> Pair {
    assert!(PROVIDER.contains(from), "{name}: {from:?} is not in PROVIDER");
    Pair { name, before: files(PROVIDER, PAY), after: files(&PROVIDER.replace(from, to), PAY) }
}

const NOTE: &str = "      note: { type: string, max_bytes: 100, description: A note. }\n";

/// Every pair, in the order of the tests.
pub fn pairs() -> Vec<Pair> {
    let review = PAY
        .replace("max_bytes: 100", "max_bytes: 50")
        .replace("  - { code: \"1184\", name: AmountTooLarge, description: Too large. }\n", "")
        .replace(
            "      note: { type: string, max_bytes: 50, description: A note. }\n",
            "      note: { type: string, max_bytes: 50, description: A note. }\n      memo: { type: string, description: A memo. }\n",
        );
    vec![
        pay_change("unchanged (whitespace)", "summary: Pay.", "summary:   Pay."),
        Pair { name: "review scenario", before: files(PROVIDER, PAY), after: files(PROVIDER, &review) },
        pay_change("request limit loosened", "max_bytes: 100", "max_bytes: 200"),
        pay_change("request limit added", "max_bytes: 100", "max_bytes: 100, max_chars: 10"),
        pay_change("response limit tightened", "max_chars: 20", "max_chars: 10"),
        pay_change(
            "optional field made required",
            "note: { type: string, max_bytes: 100, description: A note. }",
            "note: { type: string, required: true, max_bytes: 100, description: A note. }",
        ),
        pay_change("field type changed", "amount: { type: integer,", "amount: { type: decimal,"),
        pay_change("optional field removed", NOTE, ""),
        pay_change(
            "required field added",
            NOTE,
            &format!("{NOTE}      tip: {{ type: integer, required: true, description: A tip. }}\n"),
        ),
        provider_change(
            "request enum value added",
            "values: { JPY: Yen., USD: Dollar. }",
            "values: { JPY: Yen., USD: Dollar., THB: Baht. }",
        ),
        provider_change("request enum value removed", "values: { JPY: Yen., USD: Dollar. }", "values: { JPY: Yen. }"),
        pay_change("response enum value added", "values: { DONE: Done. }", "values: { DONE: Done., FAILED: Failed. }"),
        pay_change(
            "code added",
            "  - \"1104\"\n",
            "  - \"1104\"\n  - { code: \"1301\", name: Locked, description: Locked. }\n",
        ),
        pay_change("code reclassified", "  - \"1104\"\n", "  - { code: \"1104\", retryable: true }\n"),
        pay_change("code description changed", "description: Too large. }", "description: The amount is too large. }"),
        pay_change("path changed", "path: /pay/{orderId}", "path: /v2/pay/{orderId}"),
        pay_change("method changed", "method: POST", "method: PUT"),
        provider_change("auth scheme changed", "auth: line_pay_hmac_sha256", "auth: elepay_secret_key"),
        provider_change("base URL changed", "https://shop.example", "https://api.shop.example"),
        Pair { name: "operation added", before: files(PROVIDER, PAY), after: with_refund(files(PROVIDER, PAY)) },
        Pair { name: "operation removed", before: with_refund(files(PROVIDER, PAY)), after: files(PROVIDER, PAY) },
        amount_rules(true),
        amount_rules(false),
        pay_change(
            "first success code added",
            "response: PayInfo\n",
            "response: PayInfo\nsuccess_codes:\n  - { code: \"0110\", name: Authorized, description: Authorized. }\n",
        ),
        result_statuses(),
        sum_rule_term(),
        constraint(true),
        constraint(false),
        idempotency_key("idempotency key added"),
        idempotency_key("idempotency key removed"),
        idempotency_key("idempotency key implies idempotent"),
        pay_change("url format added", URL_FROM, URL_TO),
        Pair {
            name: "url format removed",
            before: files(PROVIDER, &PAY.replace(URL_FROM, URL_TO)),
            after: files(PROVIDER, PAY),
        },
        example("example added"),
        example("example changed"),
        example("example removed"),
    ]
}

const URL_FROM: &str = "note: { type: string, max_bytes: 100,";
const URL_TO: &str = "note: { type: string, max_bytes: 100, format: url,";

/// A required `requestId` that becomes (or stops being) the idempotency key; `implies` writes the key
/// on a POST without `idempotent: true`.
fn idempotency_key(name: &'static str) -> Pair {
    let without = PAY.replace(
        NOTE,
        &format!("{NOTE}      requestId: {{ type: string, required: true, description: The request id. }}\n"),
    );
    let with =
        without.replace("request: PayRequest\n", "idempotent: true\nidempotency_key: requestId\nrequest: PayRequest\n");
    let was_idempotent = without.replace("request: PayRequest\n", "idempotent: true\nrequest: PayRequest\n");
    let implied = without.replace("request: PayRequest\n", "idempotency_key: requestId\nrequest: PayRequest\n");
    let (before, after) = match name {
        "idempotency key added" => (was_idempotent, with),
        "idempotency key removed" => (with, was_idempotent),
        _ => (without, implied),
    };
    Pair { name, before: files(PROVIDER, &before), after: files(PROVIDER, &after) }
}

/// A documented example of `pay`, added, changed (its response) or removed.
fn example(name: &'static str) -> Pair {
    let example = |amount: &str| {
        format!(
            "{PAY}examples:\n  - name: sample\n    description: A sample.\n    source: test\n    \
             request: '{{\"amount\": 100, \"currency\": \"JPY\"}}'\n    \
             response: '{{\"returnCode\": \"0000\", \"info\": {{\"id\": \"{amount}\"}}}}'\n"
        )
    };
    let (before, after) = match name {
        "example added" => (PAY.to_owned(), example("1")),
        "example changed" => (example("1"), example("2")),
        _ => (example("1"), PAY.to_owned()),
    };
    Pair { name, before: files(PROVIDER, &before), after: files(PROVIDER, &after) }
}

fn result_statuses() -> Pair {
    let changed = WALLET_PAY
        .replace(
            "  - { code: PAYMENT_IN_PROCESS, result_status: U, outcome_unknown: true, description: Processing. }",
            "  - { code: PAYMENT_IN_PROCESS, result_status: F, description: Processing. }",
        )
        .replace(
            "  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }",
            "  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }\n  - { code: SUCCESS, name: Succeeded, result_status: S, description: Paid. }",
        );
    Pair { name: "result statuses reclassified", before: files(WALLET, WALLET_PAY), after: files(WALLET, &changed) }
}

fn sum_rule_term() -> Pair {
    let pay = PAY.replace(
        NOTE,
        "      note: { type: string, max_bytes: 100, description: A note. }\n      \
         items: { type: list<Item>, description: Items. }\n    \
         sums:\n      - { equals: amount, over: items, of: [price] }\n  \
         Item:\n    kind: struct\n    description: An item.\n    fields:\n      \
         price: { type: integer, required: true, description: Price. }\n      \
         fee: { type: integer, description: Fee. }\n",
    );
    let with_fee = pay.replace(
        "      - { equals: amount, over: items, of: [price] }",
        "      - { equals: amount, terms: [{ over: items, of: [price] }, { over: items, of: [fee] }] }",
    );
    Pair { name: "sum rule gains a term", before: files(PROVIDER, &pay), after: files(PROVIDER, &with_fee) }
}

/// An at-least-one-of constraint, added or removed.
fn constraint(added: bool) -> Pair {
    let memo = format!("{NOTE}      memo: {{ type: string, description: A memo. }}\n");
    let with = PAY.replace(NOTE, &format!("{memo}    constraints:\n      - at_least_one_of: [note, memo]\n"));
    let without = PAY.replace(NOTE, &memo);
    if added {
        Pair { name: "constraint added", before: files(PROVIDER, &without), after: files(PROVIDER, &with) }
    } else {
        Pair { name: "constraint removed", before: files(PROVIDER, &with), after: files(PROVIDER, &without) }
    }
}

/// Amount rules (an exclusive minimum, currency minor units, a positive-integer format) and a secret
/// path parameter, added (`stricter`) or removed, on a spec whose amount is a decimal.
fn amount_rules(stricter: bool) -> Pair {
    let pay = PAY
        .replace(
            "amount: { type: integer, required: true, description: The amount. }",
            "amount: { type: decimal, required: true, description: The amount. }",
        )
        .replace(
            "note: { type: string, max_bytes: 100, description: A note. }",
            "note: { type: string, description: A note. }",
        );
    let provider = PROVIDER.replace(
        "values: { JPY: Yen., USD: Dollar. }",
        "values: { JPY: { description: Yen., minor_units: 2 }, USD: { description: Dollar., minor_units: 2 } }",
    );
    let strict_provider = provider.replace("Yen., minor_units: 2", "Yen., minor_units: 0");
    let strict_pay = pay
        .replace("The amount. }", "The amount., exclusive_minimum: 0, minor_units_from: currency }")
        .replace("note: { type: string, description", "note: { type: string, format: positive_integer, description")
        .replace("orderId: { type: string, description", "orderId: { type: string, secret: true, description");
    let (loose, strict) = (files(&provider, &pay), files(&strict_provider, &strict_pay));
    if stricter {
        Pair { name: "amount rules added", before: loose, after: strict }
    } else {
        Pair { name: "amount rules removed", before: strict, after: loose }
    }
}

/// The pair called `name`.
pub fn pair(name: &str) -> Pair {
    pairs().into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no pair named {name:?}"))
}
