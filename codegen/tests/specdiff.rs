//! Snapshots of spec-diff reports: one before/after pair per kind of finding, and the three formats
//! for the review scenario of issue 5 (a byte limit, a removed code, an added optional field).
//! Update with `UPDATE_EXPECT=1 cargo test -p payspec-codegen --test specdiff`.

use expect_test::{Expect, expect};
use payspec_codegen::specdiff::{Bump, diff};
use payspec_codegen::{Model, ProviderSource, load_sources};

mod pairs;
use pairs::{Files, PAY, PROVIDER, WALLET, WALLET_PAY, pair};

fn model(files: &Files) -> Model {
    let source = ProviderSource {
        folder: "shop".into(),
        files: files.iter().map(|(name, text)| (name.to_string(), text.clone())).collect(),
    };
    load_sources("spec", vec![source]).unwrap_or_else(|e| panic!("{e}"))
}

fn check(name: &str, expected: Expect) {
    let pair = pair(name);
    let report = diff(&model(&pair.before), &model(&pair.after));
    expected.assert_eq(&report.to_text());
}

/// The model of `shop` from its two files, for the tests whose pairs are not in `pairs` yet.
fn model_of(provider: &str, pay: &str) -> Model {
    model(&vec![("provider.yaml", provider.to_owned()), ("pay.yaml", pay.to_owned())])
}

#[test]
fn unchanged_specs_give_an_empty_report() {
    let pair = pair("unchanged (whitespace)");
    let report = diff(&model(&pair.before), &model(&pair.after));
    assert!(report.findings.is_empty());
    assert_eq!(report.verdict(), None);
    assert!(!report.is_breaking());
}

#[test]
fn the_review_scenario_in_every_format() {
    let pair = pair("review scenario");
    let report = diff(&model(&pair.before), &model(&pair.after));
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
        "request limit loosened",
        expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  requests   shop / pay / PayRequest.note  limit loosened: max_bytes 100 -> 200  (spec/shop/pay.yaml:19)
    "#]],
    );
    check(
        "request limit added",
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  limit tightened: max_chars none -> 10  (spec/shop/pay.yaml:19)
    "#]],
    );
}

#[test]
fn response_limits_are_documentation() {
    check(
        "response limit tightened",
        expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  docs       shop / pay / PayInfo.id  limit tightened: max_chars 20 -> 10  (spec/shop/pay.yaml:24)
    "#]],
    );
}

#[test]
fn fields_added_removed_and_changed() {
    check(
        "optional field made required",
        expect![[r#"
            major: 1 change breaks code that builds requests
            major  requests   shop / pay / PayRequest.note  required flag changed: optional -> required  (spec/shop/pay.yaml:19)
        "#]],
    );
    check(
        "field type changed",
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.amount  type changed: integer -> decimal  (spec/shop/pay.yaml:17)
    "#]],
    );
    check(
        "optional field removed",
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  field removed: string  (spec/shop/pay.yaml:13)
    "#]],
    );
    check(
        "required field added",
        expect![[r#"
            major: 1 change breaks code that builds requests
            major  requests   shop / pay / PayRequest.tip  required field added: integer  (spec/shop/pay.yaml:20)
        "#]],
    );
}

#[test]
fn enum_values_on_each_side() {
    check(
        "request enum value added",
        expect![[r#"
            minor: nothing breaks; 1 change adds to what code that builds requests can use
            minor  requests   shop / pay / Currency = THB  enum value added: new variant Thb  (spec/shop/provider.yaml:13)
        "#]],
    );
    check(
        "request enum value removed",
        expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / Currency = USD  enum value removed: variant Usd is gone  (spec/shop/provider.yaml:10)
    "#]],
    );
    check(
        "response enum value added",
        expect![[r#"
        minor: nothing breaks; 1 change adds to what code that reads responses can use
        minor  responses  shop / pay / Status = FAILED  enum value added: new variant Failed  (spec/shop/pay.yaml:29)
    "#]],
    );
}

#[test]
fn codes_added_removed_and_reclassified() {
    check(
        "code added",
        expect![[r#"
            minor: nothing breaks; 1 change adds to what code that matches errors can use
            minor  errors     shop / pay / code 1301  return code added: new variant Locked: Locked.  (spec/shop/pay.yaml:11)
        "#]],
    );
    check(
        "code reclassified",
        expect![[r#"
        minor: nothing breaks; 1 change adds to what code that matches errors can use
        minor  errors     shop / pay / code 1104  return code reclassified: nothing -> retryable  (spec/shop/pay.yaml:10)
    "#]],
    );
    check(
        "code description changed",
        expect![[r#"
            patch: nothing breaks or is added; 1 change to limits or documentation
            patch  docs       shop / pay / code 1184  description changed: code docs  (spec/shop/pay.yaml:11)
        "#]],
    );
}

#[test]
fn operations_paths_methods_auth_and_envelope() {
    check(
        "path changed",
        expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / path  path changed: /pay/{orderId} -> /v2/pay/{orderId}  (spec/shop/pay.yaml:1)
    "#]],
    );
    check(
        "method changed",
        expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / method  method changed: POST -> PUT  (spec/shop/pay.yaml:1)
    "#]],
    );
    check(
        "auth scheme changed",
        expect![[r#"
        major: 1 change breaks every caller
        major  callers    shop / auth  auth scheme changed: line_pay_hmac_sha256 -> elepay_secret_key  (spec/shop/provider.yaml:1)
    "#]],
    );
    check(
        "base URL changed",
        expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / base URL production  base URL changed: https://shop.example -> https://api.shop.example  (spec/shop/provider.yaml:1)
    "#]],
    );
}

#[test]
fn operations_added_and_removed() {
    let added = pair("operation added");
    let removed = pair("operation removed");
    expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / refund / operation  operation added: POST /refund  (spec/shop/refund.yaml:1)
    "#]]
    .assert_eq(&diff(&model(&added.before), &model(&added.after)).to_text());
    expect![[r#"
        major: 1 change breaks every caller
        major  callers    shop / refund / operation  operation removed: POST /refund  (spec/shop/refund.yaml:1)
    "#]]
    .assert_eq(&diff(&model(&removed.before), &model(&removed.after)).to_text());
}

#[test]
fn amount_rules_and_secret_parameters() {
    let added = pair("amount rules added");
    let unchanged = diff(&model(&added.before), &model(&added.before));
    assert!(unchanged.findings.is_empty());
    let report = diff(&model(&added.before), &model(&added.after));
    expect![[r#"
        major: 4 changes break code that builds requests
        major  requests   shop / pay / Currency = JPY  limit tightened: minor_units 2 -> 0  (spec/shop/provider.yaml:13)
        major  requests   shop / pay / PayRequest.amount  limit tightened: exclusive_minimum none -> 0  (spec/shop/pay.yaml:17)
        major  requests   shop / pay / PayRequest.amount  limit tightened: minor_units_from none -> currency  (spec/shop/pay.yaml:17)
        major  requests   shop / pay / PayRequest.note  limit tightened: format none -> positive_integer  (spec/shop/pay.yaml:19)
        patch  docs       shop / pay / path parameters  secret flag changed: orderId: secret false -> true  (spec/shop/pay.yaml:1)
    "#]].assert_eq(&report.to_text());
    let removed = pair("amount rules removed");
    let back = diff(&model(&removed.before), &model(&removed.after));
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
        "first success code added",
        expect![[r#"
            major: 1 change breaks code that reads responses
            major  responses  shop / pay / outcome  outcome enum added: the client method now returns which success code answered, with the response  (spec/shop/pay.yaml:1)
            minor  responses  shop / pay / success code 0110  success code added: a new outcome variant  (spec/shop/pay.yaml:1)
        "#]],
    );
}

#[test]
fn result_statuses_are_facts_of_a_code() {
    let pair = pair("result statuses reclassified");
    let report = diff(&model(&pair.before), &model(&pair.after));
    expect![[r#"
        minor: nothing breaks; 2 changes add to what code that matches errors and code that reads responses can use
        minor  responses  shop / pay / success code SUCCESS (S)  success code added: a new outcome variant  (spec/shop/pay.yaml:1)
        minor  errors     shop / pay / code PAYMENT_IN_PROCESS  return code reclassified: outcome unknown, resultStatus U -> resultStatus F  (spec/shop/pay.yaml:10)
    "#]]
    .assert_eq(&report.to_text());
}

#[test]
fn a_sum_rule_that_gains_a_term_changes() {
    let pair = pair("sum rule gains a term");
    let report = diff(&model(&pair.before), &model(&pair.after));
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest  sum rule changed: amount = items[].price -> items[].price + items[].fee  (spec/shop/pay.yaml:13)
    "#]]
    .assert_eq(&report.to_text());
}

#[test]
fn a_constraint_on_a_request_breaks_callers() {
    let (added, removed) = (pair("constraint added"), pair("constraint removed"));
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest  constraint added: at least one of note, memo  (spec/shop/pay.yaml:13)
    "#]]
    .assert_eq(&diff(&model(&added.before), &model(&added.after)).to_text());
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  requests   shop / pay / PayRequest  constraint removed: at least one of note, memo  (spec/shop/pay.yaml:13)
    "#]]
    .assert_eq(&diff(&model(&removed.before), &model(&removed.after)).to_text());
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
    let report = diff(&base, &model(&vec![("provider.yaml", WALLET.to_owned()), ("pay.yaml", new)]));
    assert!(report.findings.is_empty(), "{}", report.to_text());
}

#[test]
fn an_idempotency_key_added_is_minor_and_removed_is_patch() {
    check(
        "idempotency key added",
        expect![[r#"
            minor: nothing breaks; 1 change adds to what every caller can use
            minor  callers    shop / pay / idempotency_key  idempotency key changed: none -> requestId  (spec/shop/pay.yaml:1)
        "#]],
    );
    check(
        "idempotency key removed",
        expect![[r#"
            patch: nothing breaks or is added; 1 change to limits or documentation
            patch  callers    shop / pay / idempotency_key  idempotency key changed: requestId -> none  (spec/shop/pay.yaml:1)
        "#]],
    );
    // Written on a POST without `idempotent`, the key also makes the call idempotent.
    check(
        "idempotency key implies idempotent",
        expect![[r#"
            minor: nothing breaks; 2 changes add to what every caller can use
            minor  callers    shop / pay / idempotency_key  idempotency key changed: none -> requestId  (spec/shop/pay.yaml:1)
            minor  callers    shop / pay / idempotent  retry safety changed: false -> true  (spec/shop/pay.yaml:1)
        "#]],
    );
}

#[test]
fn a_money_effect_added_changed_or_removed_is_minor() {
    let capture = PAY.replace("request: PayRequest\n", "effect: capture\nrequest: PayRequest\n");
    let refund = PAY.replace("request: PayRequest\n", "effect: refund\nrequest: PayRequest\n");
    expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / effect  money effect changed: none -> capture  (spec/shop/pay.yaml:1)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, PAY), &model_of(PROVIDER, &capture)).to_text());
    expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / effect  money effect changed: capture -> refund  (spec/shop/pay.yaml:1)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, &capture), &model_of(PROVIDER, &refund)).to_text());
    expect![[r#"
        minor: nothing breaks; 1 change adds to what every caller can use
        minor  callers    shop / pay / effect  money effect changed: refund -> none  (spec/shop/pay.yaml:1)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, &refund), &model_of(PROVIDER, PAY)).to_text());
}

#[test]
fn a_url_format_on_a_request_field_tightens_it() {
    check(
        "url format added",
        expect![[r#"
            major: 1 change breaks code that builds requests
            major  requests   shop / pay / PayRequest.note  limit tightened: format none -> url  (spec/shop/pay.yaml:19)
        "#]],
    );
    check(
        "url format removed",
        expect![[r#"
            patch: nothing breaks or is added; 1 change to limits or documentation
            patch  requests   shop / pay / PayRequest.note  limit loosened: format url -> none  (spec/shop/pay.yaml:19)
        "#]],
    );
}

#[test]
fn documented_examples_are_documentation() {
    check(
        "example added",
        expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  docs       shop / pay / example sample  example added: A sample.  (spec/shop/pay.yaml:31)
    "#]],
    );
    check(
        "example changed",
        expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  docs       shop / pay / example sample  example changed: response JSON  (spec/shop/pay.yaml:31)
    "#]],
    );
    check(
        "example removed",
        expect![[r#"
            patch: nothing breaks or is added; 1 change to limits or documentation
            patch  docs       shop / pay / example sample  example removed: A sample.  (spec/shop/pay.yaml:31)
        "#]],
    );
}

#[test]
fn a_datetime_format_changes_the_rust_type_on_both_sides() {
    let request = PAY.replace("note: { type: string, max_bytes: 100,", "note: { type: string, format: datetime,");
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  type changed: string -> datetime  (spec/shop/pay.yaml:19)
        patch  requests   shop / pay / PayRequest.note  limit loosened: max_bytes 100 -> none  (spec/shop/pay.yaml:19)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, PAY), &model_of(PROVIDER, &request)).to_text());
    let response = PAY.replace(
        "status: { type: Status, description: The status. }",
        "status: { type: Status, description: The status. }\n      at: { type: string, description: When. }",
    );
    let typed = response.replace("at: { type: string,", "at: { type: string, format: datetime,");
    expect![[r#"
        major: 1 change breaks code that reads responses
        major  responses  shop / pay / PayInfo.at  type changed: string -> datetime  (spec/shop/pay.yaml:26)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, &response), &model_of(PROVIDER, &typed)).to_text());
    expect![[r#"
        major: 1 change breaks code that reads responses
        major  responses  shop / pay / PayInfo.at  type changed: datetime -> string  (spec/shop/pay.yaml:26)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, &typed), &model_of(PROVIDER, &response)).to_text());
}

#[test]
fn a_pattern_added_or_changed_tightens_and_removed_loosens() {
    let with = |p: &str| {
        PAY.replace(
            "note: { type: string, max_bytes: 100,",
            &format!("note: {{ type: string, max_bytes: 100, pattern: \"{p}\","),
        )
    };
    let (upper, digits) = (with("^[A-Z]+$"), with("^[0-9]+$"));
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  limit tightened: pattern none -> `^[A-Z]+$`  (spec/shop/pay.yaml:19)
    "#]].assert_eq(&diff(&model_of(PROVIDER, PAY), &model_of(PROVIDER, &upper)).to_text());
    expect![[r#"
        major: 1 change breaks code that builds requests
        major  requests   shop / pay / PayRequest.note  limit tightened: pattern `^[A-Z]+$` -> `^[0-9]+$`  (spec/shop/pay.yaml:19)
    "#]].assert_eq(&diff(&model_of(PROVIDER, &upper), &model_of(PROVIDER, &digits)).to_text());
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  requests   shop / pay / PayRequest.note  limit loosened: pattern `^[A-Z]+$` -> none  (spec/shop/pay.yaml:19)
    "#]].assert_eq(&diff(&model_of(PROVIDER, &upper), &model_of(PROVIDER, PAY)).to_text());
    // On a response-only field the validator never runs: documentation only.
    let response = PAY.replace(
        "id: { type: string, required: true, max_chars: 20,",
        "id: { type: string, required: true, max_chars: 20, pattern: \"^[0-9]+$\",",
    );
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  docs       shop / pay / PayInfo.id  limit tightened: pattern none -> `^[0-9]+$`  (spec/shop/pay.yaml:24)
    "#]]
    .assert_eq(&diff(&model_of(PROVIDER, PAY), &model_of(PROVIDER, &response)).to_text());
}

/// `PROVIDER` with a webhook of events (its follow-up calls `pay`) and a redirect.
fn notifying(extra: &str) -> String {
    format!(
        "{PROVIDER}  Notice:
    kind: struct
    description: An event.
    fields:
      id: {{ type: string, required: true, description: The id. }}
      kind: {{ type: string, required: true, description: The kind. }}
      data: {{ type: json, description: The object. }}
  Order:
    kind: struct
    description: An order.
    fields:
      orderId: {{ type: string, required: true, description: The order. }}
notifications:
  webhook:
    summary: An event.
    method: POST
    auth: none
    body: Notice
    acknowledgement: http_ok
    key: [id]
    events:
      discriminator: kind
      object: data
      values:
        order.paid: {{ name: OrderPaid, description: Paid., object: Order }}
{extra}"
    )
}

#[test]
fn notification_changes_are_classified_for_receivers() {
    let base = notifying("");
    let redirect = "  back:
    summary: Back.
    method: GET
    auth: none
    query:
      orderId: { type: string, required: true, description: The order. }
    acknowledgement: none
    key: [orderId]
";
    let with_redirect = notifying(redirect);
    let new = |from: &str, to: &str| {
        let changed = with_redirect.replace(from, to);
        assert_ne!(changed, with_redirect, "`{from}` is not in the fixture");
        diff(&model_of(&with_redirect, PAY), &model_of(&changed, PAY)).to_text()
    };
    expect![[r#"
        minor: nothing breaks; 1 change adds to what code that receives notifications can use
        minor  receivers  shop / notification back  notification added: GET Back  (spec/shop/provider.yaml:39)
    "#]]
    .assert_eq(&diff(&model_of(&base, PAY), &model_of(&with_redirect, PAY)).to_text());
    expect![[r#"
        major: 1 change breaks code that receives notifications
        major  receivers  shop / notification back  notification removed: its receiver method is gone  (spec/shop/provider.yaml:39)
    "#]].assert_eq(&diff(&model_of(&with_redirect, PAY), &model_of(&base, PAY)).to_text());
    expect![[r#"
        major: 1 change breaks code that receives notifications
        major  receivers  shop / notification webhook  key changed: [id] -> [id, kind]: stored keys no longer match resends  (spec/shop/provider.yaml:27)
    "#]].assert_eq(&new("key: [id]", "key: [id, kind]"));
    expect![[r#"
        minor: nothing breaks; 1 change adds to what code that receives notifications can use
        minor  receivers  shop / notification webhook event order.gone  event added: variant OrderGone; decoded as Unknown before  (spec/shop/provider.yaml:27)
    "#]].assert_eq(&new(
        "        order.paid: { name: OrderPaid, description: Paid., object: Order }\n",
        "        order.paid: { name: OrderPaid, description: Paid., object: Order }\n        order.gone: { name: OrderGone, description: Gone. }\n",
    ));
    expect![[r#"
        major: 1 change breaks code that receives notifications
        major  receivers  shop / notification webhook event order.paid  event changed: OrderPaid(Order) -> OrderSettled(Order)  (spec/shop/provider.yaml:38)
    "#]].assert_eq(&new("name: OrderPaid", "name: OrderSettled"));
    expect![[r#"
        minor: nothing breaks; 1 change adds to what code that receives notifications can use
        minor  receivers  shop / notification webhook  acknowledgement changed: http_ok -> none  (spec/shop/provider.yaml:27)
    "#]].assert_eq(&new("acknowledgement: http_ok", "acknowledgement: none"));
    expect![[r#"
        minor: nothing breaks; 1 change adds to what code that receives notifications can use
        minor  receivers  shop / notification back  query parameter added: note: optional string  (spec/shop/provider.yaml:39)
    "#]].assert_eq(&new(
        "      orderId: { type: string, required: true, description: The order. }\n    acknowledgement",
        "      orderId: { type: string, required: true, description: The order. }\n      note: { type: string, description: A note. }\n    acknowledgement",
    ));
    expect![[r#"
        minor: nothing breaks; 1 change adds to what code that receives notifications can use
        minor  receivers  shop / notification back  follow-up added: pay  (spec/shop/provider.yaml:39)
    "#]]
    .assert_eq(&new(
        "    key: [orderId]\n",
        "    key: [orderId]\n    follow_up: { operation: pay, path: { orderId: orderId } }\n",
    ));
    expect![[r#"
        patch: nothing breaks or is added; 1 change to limits or documentation
        patch  docs       shop / notification back  documentation changed: summary, description or triggers  (spec/shop/provider.yaml:39)
    "#]].assert_eq(&new("summary: Back.", "summary: The user comes back."));
}
