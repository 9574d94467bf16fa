//! Snapshots of spec-diff reports: one before/after pair per kind of finding, and the three formats
//! for the review scenario of issue 5 (a byte limit, a removed code, an added optional field).
//! Update with `UPDATE_EXPECT=1 cargo test -p payspec-codegen --test specdiff`.

use expect_test::{Expect, expect};
use payspec_codegen::specdiff::{Bump, diff};
use payspec_codegen::{Model, ProviderSource, load_sources};

const PROVIDER: &str = r#"provider: shop
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

const PAY: &str = r#"source: test
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

fn model(provider: &str, pay: &str) -> Model {
    let source = ProviderSource {
        folder: "shop".into(),
        files: vec![("provider.yaml".into(), provider.into()), ("pay.yaml".into(), pay.into())],
    };
    load_sources("spec", vec![source]).unwrap_or_else(|e| panic!("{e}"))
}

fn check(provider: &str, pay: &str, expected: Expect) {
    let report = diff(&model(PROVIDER, PAY), &model(provider, pay));
    expected.assert_eq(&report.to_text());
}

#[test]
fn unchanged_specs_give_an_empty_report() {
    let report = diff(&model(PROVIDER, PAY), &model(PROVIDER, &PAY.replace("summary: Pay.", "summary:   Pay.")));
    assert!(report.findings.is_empty());
    assert_eq!(report.verdict(), None);
    assert!(!report.is_breaking());
}

#[test]
fn the_review_scenario_in_every_format() {
    let pay = PAY
        .replace("max_bytes: 100", "max_bytes: 50")
        .replace("  - { code: \"1184\", name: AmountTooLarge, description: Too large. }\n", "")
        .replace(
            "      note: { type: string, max_bytes: 50, description: A note. }\n",
            "      note: { type: string, max_bytes: 50, description: A note. }\n      memo: { type: string, description: A memo. }\n",
        );
    let report = diff(&model(PROVIDER, PAY), &model(PROVIDER, &pay));
    assert_eq!(report.findings.len(), 3);
    assert_eq!(report.verdict(), Some(Bump::Major));
    expect![[r#"
        major: 2 changes break code that builds requests and code that matches errors
        major  requests   shop / pay / PayRequest.note  limit tightened: max_bytes 100 -> 50  (spec/shop/pay.yaml:18)
        major  errors     shop / pay / code 1184  return code removed: variant AmountTooLarge is gone  (spec/shop/pay.yaml:11)
        minor  requests   shop / pay / PayRequest.memo  optional field added: string  (spec/shop/pay.yaml:19)
    "#]].assert_eq(&report.to_text());
    expect![[r#"
        **Verdict: major** (2 changes break code that builds requests and code that matches errors).

        | bump | for | where | change | detail | spec |
        |---|---|---|---|---|---|
        | major | code that builds requests | shop / pay / PayRequest.note | limit tightened | max_bytes 100 -> 50 | `spec/shop/pay.yaml:18` |
        | major | code that matches errors | shop / pay / code 1184 | return code removed | variant AmountTooLarge is gone | `spec/shop/pay.yaml:11` |
        | minor | code that builds requests | shop / pay / PayRequest.memo | optional field added | string | `spec/shop/pay.yaml:19` |

        <details><summary>Changed generated files (1)</summary>

        - `generated/src/shop/pay.rs`

        </details>
    "#]].assert_eq(&report.to_markdown(&["generated/src/shop/pay.rs".into()]));
    expect![[r#"
        {
          "changed_files": [
            "generated/src/shop/pay.rs"
          ],
          "findings": [
            {
              "bump": "major",
              "change": "limit tightened",
              "detail": "max_bytes 100 -> 50",
              "file": "spec/shop/pay.yaml",
              "for": "requests",
              "item": "PayRequest.note",
              "line": 18,
              "operations": [
                "pay"
              ],
              "provider": "shop"
            },
            {
              "bump": "major",
              "change": "return code removed",
              "detail": "variant AmountTooLarge is gone",
              "file": "spec/shop/pay.yaml",
              "for": "errors",
              "item": "code 1184",
              "line": 11,
              "operations": [
                "pay"
              ],
              "provider": "shop"
            },
            {
              "bump": "minor",
              "change": "optional field added",
              "detail": "string",
              "file": "spec/shop/pay.yaml",
              "for": "requests",
              "item": "PayRequest.memo",
              "line": 19,
              "operations": [
                "pay"
              ],
              "provider": "shop"
            }
          ],
          "reason": "2 changes break code that builds requests and code that matches errors",
          "verdict": "major"
        }"#]]
    .assert_eq(&format!("{:#}", report.to_json(&["generated/src/shop/pay.rs".into()])));
}

#[test]
fn request_limits_tightened_and_loosened() {
    check(
        PROVIDER,
        &PAY.replace("max_bytes: 100", "max_bytes: 200"),
        expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  requests   shop / pay / PayRequest.note  limit loosened: max_bytes 100 -> 200  (spec/shop/pay.yaml:19)
    "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("max_bytes: 100", "max_bytes: 100, max_chars: 10"),
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  limit tightened: max_chars none -> 10  (spec/shop/pay.yaml:19)
    "#]],
    );
}

#[test]
fn response_limits_are_documentation() {
    check(
        PROVIDER,
        &PAY.replace("max_chars: 20", "max_chars: 10"),
        expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  docs       shop / pay / PayInfo.id  limit tightened: max_chars 20 -> 10  (spec/shop/pay.yaml:24)
    "#]],
    );
}

#[test]
fn fields_added_removed_and_changed() {
    check(
        PROVIDER,
        &PAY.replace(
            "note: { type: string, max_bytes: 100, description: A note. }",
            "note: { type: string, required: true, max_bytes: 100, description: A note. }",
        ),
        expect![[r#"
            major: 1 change breaks code that builds requests
            major  requests   shop / pay / PayRequest.note  required flag changed: optional -> required  (spec/shop/pay.yaml:19)
        "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("amount: { type: integer,", "amount: { type: decimal,"),
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.amount  type changed: integer -> decimal  (spec/shop/pay.yaml:17)
    "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("      note: { type: string, max_bytes: 100, description: A note. }\n", ""),
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  field removed: string  (spec/shop/pay.yaml:13)
    "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("      note: { type: string, max_bytes: 100, description: A note. }\n", "      note: { type: string, max_bytes: 100, description: A note. }\n      tip: { type: integer, required: true, description: A tip. }\n"),
        expect![[r#"
            major: 1 change breaks code that builds requests
            major  requests   shop / pay / PayRequest.tip  required field added: integer  (spec/shop/pay.yaml:20)
        "#]],
    );
}

#[test]
fn enum_values_on_each_side() {
    check(
        &PROVIDER.replace("values: { JPY: Yen., USD: Dollar. }", "values: { JPY: Yen., USD: Dollar., THB: Baht. }"),
        PAY,
        expect![[r#"
            minor: nothing breaks; 1 change adds to what code that builds requests can use
            minor  requests   shop / pay / Currency = THB  enum value added: new variant Thb  (spec/shop/provider.yaml:13)
        "#]],
    );
    check(
        &PROVIDER.replace("values: { JPY: Yen., USD: Dollar. }", "values: { JPY: Yen. }"),
        PAY,
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / Currency = USD  enum value removed: variant Usd is gone  (spec/shop/provider.yaml:10)
    "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("values: { DONE: Done. }", "values: { DONE: Done., FAILED: Failed. }"),
        expect![[r#"
        minor: nothing breaks; 1 change adds to what code that reads responses can use
        minor  responses  shop / pay / Status = FAILED  enum value added: new variant Failed  (spec/shop/pay.yaml:29)
    "#]],
    );
}

#[test]
fn codes_added_removed_and_reclassified() {
    check(
        PROVIDER,
        &PAY.replace("  - \"1104\"\n", "  - \"1104\"\n  - { code: \"1301\", name: Locked, description: Locked. }\n"),
        expect![[r#"
            minor: nothing breaks; 1 change adds to what code that matches errors can use
            minor  errors     shop / pay / code 1301  return code added: new variant Locked: Locked.  (spec/shop/pay.yaml:11)
        "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("  - \"1104\"\n", "  - { code: \"1104\", retryable: true }\n"),
        expect![[r#"
        minor: nothing breaks; 1 change adds to what code that matches errors can use
        minor  errors     shop / pay / code 1104  return code reclassified: nothing -> retryable  (spec/shop/pay.yaml:10)
    "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("description: Too large. }", "description: The amount is too large. }"),
        expect![[r#"
            patch: nothing breaks or is added; 1 change to limits or documentation
            patch  docs       shop / pay / code 1184  description changed: code docs  (spec/shop/pay.yaml:11)
        "#]],
    );
}

#[test]
fn operations_paths_methods_auth_and_envelope() {
    check(
        PROVIDER,
        &PAY.replace("path: /pay/{orderId}", "path: /v2/pay/{orderId}"),
        expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / path  path changed: /pay/{orderId} -> /v2/pay/{orderId}  (spec/shop/pay.yaml:1)
    "#]],
    );
    check(
        PROVIDER,
        &PAY.replace("method: POST", "method: PUT"),
        expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / method  method changed: POST -> PUT  (spec/shop/pay.yaml:1)
    "#]],
    );
    check(
        &PROVIDER.replace("auth: line_pay_hmac_sha256", "auth: elepay_secret_key"),
        PAY,
        expect![[r#"
        major: 1 change breaks every caller
        major  callers    shop / auth  auth scheme changed: line_pay_hmac_sha256 -> elepay_secret_key  (spec/shop/provider.yaml:1)
    "#]],
    );
    check(
        &PROVIDER.replace("https://shop.example", "https://api.shop.example"),
        PAY,
        expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / base URL production  base URL changed: https://shop.example -> https://api.shop.example  (spec/shop/provider.yaml:1)
    "#]],
    );
}

#[test]
fn operations_added_and_removed() {
    let other = "source: test\nsummary: Refund.\nmethod: POST\npath: /refund\ncodes: [\"1104\"]\n";
    let source = |files: Vec<(&str, &str)>| ProviderSource {
        folder: "shop".into(),
        files: files.into_iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(),
    };
    let load = |files| load_sources("spec", vec![source(files)]).unwrap_or_else(|e| panic!("{e}"));
    let one = load(vec![("provider.yaml", PROVIDER), ("pay.yaml", PAY)]);
    let two = load(vec![("provider.yaml", PROVIDER), ("pay.yaml", PAY), ("refund.yaml", other)]);
    expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / refund / operation  operation added: POST /refund  (spec/shop/refund.yaml:1)
    "#]]
    .assert_eq(&diff(&one, &two).to_text());
    expect![[r#"
        major: 1 change breaks every caller
        major  callers    shop / refund / operation  operation removed: POST /refund  (spec/shop/refund.yaml:1)
    "#]]
    .assert_eq(&diff(&two, &one).to_text());
}

#[test]
fn amount_rules_and_secret_parameters() {
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
    let base = diff(&model(&provider, &pay), &model(&provider, &pay));
    assert!(base.findings.is_empty());
    let stricter_provider = provider.replace("Yen., minor_units: 2", "Yen., minor_units: 0");
    let stricter = pay
        .replace("The amount. }", "The amount., exclusive_minimum: 0, minor_units_from: currency }")
        .replace("note: { type: string, description", "note: { type: string, format: positive_integer, description")
        .replace("orderId: { type: string, description", "orderId: { type: string, secret: true, description");
    let report = diff(&model(&provider, &pay), &model(&stricter_provider, &stricter));
    expect![[r#"
        major: 4 changes break code that builds requests
        major  requests   shop / pay / Currency = JPY  limit tightened: minor_units 2 -> 0  (spec/shop/provider.yaml:13)
        major  requests   shop / pay / PayRequest.amount  limit tightened: exclusive_minimum none -> 0  (spec/shop/pay.yaml:17)
        major  requests   shop / pay / PayRequest.amount  limit tightened: minor_units_from none -> currency  (spec/shop/pay.yaml:17)
        major  requests   shop / pay / PayRequest.note  limit tightened: format none -> positive_integer  (spec/shop/pay.yaml:19)
        patch  docs       shop / pay / path parameters  secret flag changed: orderId: secret false -> true  (spec/shop/pay.yaml:1)
    "#]].assert_eq(&report.to_text());
    let back = diff(&model(&stricter_provider, &stricter), &model(&provider, &pay));
    expect![[r#"
        patch: nothing breaks or is added; 5 changes to limits or documentation
        patch  requests   shop / pay / Currency = JPY  limit loosened: minor_units 0 -> 2  (spec/shop/provider.yaml:13)
        patch  requests   shop / pay / PayRequest.amount  limit loosened: exclusive_minimum 0 -> none  (spec/shop/pay.yaml:17)
        patch  requests   shop / pay / PayRequest.amount  limit loosened: minor_units_from currency -> none  (spec/shop/pay.yaml:17)
        patch  requests   shop / pay / PayRequest.note  limit loosened: format positive_integer -> none  (spec/shop/pay.yaml:19)
        patch  docs       shop / pay / path parameters  secret flag changed: orderId: secret true -> false  (spec/shop/pay.yaml:1)
    "#]].assert_eq(&back.to_text());
}

#[test]
fn a_first_success_code_changes_what_the_client_returns() {
    check(
        PROVIDER,
        &PAY.replace(
            "response: PayInfo\n",
            "response: PayInfo\nsuccess_codes:\n  - { code: \"0110\", name: Authorized, description: Authorized. }\n",
        ),
        expect![[r#"
            major: 1 change breaks code that reads responses
            major  responses  shop / pay / outcome  outcome enum added: the client method now returns which success code answered, with the response  (spec/shop/pay.yaml:1)
            minor  responses  shop / pay / success code 0110  success code added: a new outcome variant  (spec/shop/pay.yaml:1)
        "#]],
    );
}

const WALLET: &str = r#"provider: shop
title: Wallet
source: test
auth: alipay_plus_rsa256
envelope: { kind: alipay_plus }
"#;

const WALLET_PAY: &str = r#"source: test
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

#[test]
fn result_statuses_are_facts_of_a_code() {
    let changed = WALLET_PAY.replace(
        "  - { code: PAYMENT_IN_PROCESS, result_status: U, outcome_unknown: true, description: Processing. }",
        "  - { code: PAYMENT_IN_PROCESS, result_status: F, description: Processing. }",
    );
    let changed = changed.replace(
        "  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }",
        "  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }\n  - { code: SUCCESS, name: Succeeded, result_status: S, description: Paid. }",
    );
    let report = diff(&model(WALLET, WALLET_PAY), &model(WALLET, &changed));
    expect![[r#"
        minor: nothing breaks; 2 changes add to what code that matches errors and code that reads responses can use
        minor  responses  shop / pay / success code SUCCESS (S)  success code added: a new outcome variant  (spec/shop/pay.yaml:1)
        minor  errors     shop / pay / code PAYMENT_IN_PROCESS  return code reclassified: outcome unknown, resultStatus U -> resultStatus F  (spec/shop/pay.yaml:10)
    "#]]
    .assert_eq(&report.to_text());
}

#[test]
fn a_sum_rule_that_gains_a_term_changes() {
    let pay = PAY.replace(
        "      note: { type: string, max_bytes: 100, description: A note. }\n",
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
    let report = diff(&model(PROVIDER, &pay), &model(PROVIDER, &with_fee));
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest  sum rule changed: amount = items[].price -> items[].price + items[].fee  (spec/shop/pay.yaml:13)
    "#]]
    .assert_eq(&report.to_text());
}

#[test]
fn a_constraint_on_a_request_breaks_callers() {
    let with = PAY.replace(
        "      note: { type: string, max_bytes: 100, description: A note. }\n",
        "      note: { type: string, max_bytes: 100, description: A note. }\n      memo: { type: string, description: A memo. }\n    constraints:\n      - at_least_one_of: [note, memo]\n",
    );
    let without = PAY.replace(
        "      note: { type: string, max_bytes: 100, description: A note. }\n",
        "      note: { type: string, max_bytes: 100, description: A note. }\n      memo: { type: string, description: A memo. }\n",
    );
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest  constraint added: at least one of note, memo  (spec/shop/pay.yaml:13)
    "#]]
    .assert_eq(&diff(&model(PROVIDER, &without), &model(PROVIDER, &with)).to_text());
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  requests   shop / pay / PayRequest  constraint removed: at least one of note, memo  (spec/shop/pay.yaml:13)
    "#]]
    .assert_eq(&diff(&model(PROVIDER, &with), &model(PROVIDER, &without)).to_text());
}

#[test]
fn a_base_written_before_result_status_derives_it() {
    use payspec_codegen::load_base_sources;
    let old = WALLET_PAY
        .replace("result_status: U, ", "")
        .replace("  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }\n", "")
        .replace("success_codes:\n", "")
        .replace("codes:\n", "codes:\n  - { code: RISK_REJECT, description: Rejected. }\n");
    let source = |pay: &str| ProviderSource {
        folder: "shop".into(),
        files: vec![("provider.yaml".into(), WALLET.into()), ("pay.yaml".into(), pay.into())],
    };
    // The current checker refuses it; as a base it loads, with F and U derived from the facts.
    assert!(load_sources("spec", vec![source(&old)]).is_err());
    let base = load_base_sources("spec", vec![source(&old)]).unwrap_or_else(|e| panic!("{e}"));
    let new = old
        .replace("RISK_REJECT, description", "RISK_REJECT, result_status: F, description")
        .replace("PAYMENT_IN_PROCESS, outcome_unknown", "PAYMENT_IN_PROCESS, result_status: U, outcome_unknown");
    let report = diff(&base, &model(WALLET, &new));
    assert!(report.findings.is_empty(), "{}", report.to_text());
}

#[test]
fn an_idempotency_key_added_is_minor_and_removed_is_patch() {
    let without = PAY.replace(
        "      note: { type: string, max_bytes: 100, description: A note. }\n",
        "      note: { type: string, max_bytes: 100, description: A note. }\n      \
         requestId: { type: string, required: true, description: The request id. }\n",
    );
    let with =
        without.replace("request: PayRequest\n", "idempotent: true\nidempotency_key: requestId\nrequest: PayRequest\n");
    let was_idempotent = without.replace("request: PayRequest\n", "idempotent: true\nrequest: PayRequest\n");
    expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / idempotency_key  idempotency key changed: none -> requestId  (spec/shop/pay.yaml:1)
    "#]].assert_eq(&diff(&model(PROVIDER, &was_idempotent), &model(PROVIDER, &with)).to_text());
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  callers    shop / pay / idempotency_key  idempotency key changed: requestId -> none  (spec/shop/pay.yaml:1)
    "#]].assert_eq(&diff(&model(PROVIDER, &with), &model(PROVIDER, &was_idempotent)).to_text());
    // Written on a POST without `idempotent`, the key also makes the call idempotent.
    let implied = without.replace("request: PayRequest\n", "idempotency_key: requestId\nrequest: PayRequest\n");
    expect![[r#"
        minor: nothing breaks; 2 changes add to what every caller can use
        minor  callers    shop / pay / idempotency_key  idempotency key changed: none -> requestId  (spec/shop/pay.yaml:1)
        minor  callers    shop / pay / idempotent  retry safety changed: false -> true  (spec/shop/pay.yaml:1)
    "#]].assert_eq(&diff(&model(PROVIDER, &without), &model(PROVIDER, &implied)).to_text());
}

#[test]
fn a_url_format_on_a_request_field_tightens_it() {
    let url =
        PAY.replace("note: { type: string, max_bytes: 100,", "note: { type: string, max_bytes: 100, format: url,");
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  limit tightened: format none -> url  (spec/shop/pay.yaml:19)
    "#]]
    .assert_eq(&diff(&model(PROVIDER, PAY), &model(PROVIDER, &url)).to_text());
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  requests   shop / pay / PayRequest.note  limit loosened: format url -> none  (spec/shop/pay.yaml:19)
    "#]]
    .assert_eq(&diff(&model(PROVIDER, &url), &model(PROVIDER, PAY)).to_text());
}
