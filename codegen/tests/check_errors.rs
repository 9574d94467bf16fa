//! Snapshots of the checker's messages for broken specs. Each test starts from a valid provider and
//! operation and breaks one thing; the message must point at the right line and column and say how to
//! fix it. Update with `UPDATE_EXPECT=1 cargo test -p payspec-codegen --test check_errors`.

use expect_test::{Expect, expect};
use payspec_codegen::{ProviderSource, load_sources};

const PROVIDER: &str = r#"provider: shop
title: Shop
source: test
base_urls: { production: https://shop.example }
auth: line_pay_hmac_sha256
envelope: { kind: line_pay, success_codes: ["0000"] }
classifications:
  expires_key: The saved key must be expired.
codes:
  "1104": { name: MerchantNotFound, description: No such merchant. }
types:
  Currency:
    kind: enum
    description: A currency.
    values: { JPY: Yen. }
"#;

const OPERATION: &str = r#"source: test
summary: Pay.
method: POST
path: /pay/{orderId}
path_params:
  orderId: { type: string, description: The order. }
request: PayRequest
codes:
  - "1104"
types:
  PayRequest:
    kind: struct
    description: A payment.
    fields:
      amount: { type: integer, required: true, description: The amount. }
      currency: { type: Currency, description: The currency. }
"#;

/// The checker's output for a provider folder `shop` holding these files.
fn check(files: &[(&str, &str)]) -> String {
    let source = ProviderSource {
        folder: "shop".into(),
        files: files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(),
    };
    match load_sources("spec", vec![source]) {
        Ok(_) => "no problems".into(),
        Err(diags) => diags.to_string(),
    }
}

fn check_op(operation: &str, expected: Expect) {
    expected.assert_eq(&check(&[("provider.yaml", PROVIDER), ("pay.yaml", operation)]));
}

fn check_provider(provider: &str, expected: Expect) {
    expected.assert_eq(&check(&[("provider.yaml", provider), ("pay.yaml", OPERATION)]));
}

#[test]
fn the_base_specs_are_valid() {
    assert_eq!(check(&[("provider.yaml", PROVIDER), ("pay.yaml", OPERATION)]), "no problems");
}

#[test]
fn unknown_key_with_suggestion() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:15:48: unknown key `maxbytes` in field `amount` (did you mean `max_bytes`?); expected one of: type, required, default, description, deprecated, minor_units_from, max_bytes, min_bytes, max_chars, min_chars, charset, format, pattern, minimum, maximum, exclusive_minimum, min_items, max_items
        1 problem found; nothing was written"#]];
    check_op(
        &OPERATION.replace(
            "required: true, description: The amount.",
            "required: true, maxbytes: 3, description: The amount.",
        ),
        expected,
    );
}

#[test]
fn wrong_yaml_kind() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:15:42: `required` of field `amount` must be `true` or `false`, found the quoted string "yes"
        1 problem found; nothing was written"#]];
    check_op(&OPERATION.replace("required: true", "required: \"yes\""), expected);
}

#[test]
fn dangling_type_reference() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:16:25: unknown type `Curency` (did you mean `Currency`?); use a primitive (string, integer, decimal, boolean, json), list<T>, map<T>, or a type defined in this file or provider.yaml
        1 problem found; nothing was written"#]];
    check_op(&OPERATION.replace("type: Currency", "type: Curency"), expected);
}

#[test]
fn duplicate_code_in_an_operation() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:10:5: code `1104` is listed twice (first at line 9)
        1 problem found; nothing was written"#]];
    check_op(&OPERATION.replace("  - \"1104\"\n", "  - \"1104\"\n  - \"1104\"\n"), expected);
}

#[test]
fn duplicate_yaml_key() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:3:1: duplicate key `summary` in an operation file (first at line 2)
        1 problem found; nothing was written"#]];
    check_op(&OPERATION.replace("summary: Pay.\n", "summary: Pay.\nsummary: Pay again.\n"), expected);
}

#[test]
fn names_that_are_not_identifiers() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:11:3: type name `payRequest` must be an UpperCamelCase Rust identifier such as `OrderInfo`
        1 problem found; nothing was written"#]];
    check_op(
        &OPERATION.replace("  PayRequest:\n", "  payRequest:\n").replace("request: PayRequest", "request: payRequest"),
        expected,
    );
}

#[test]
fn limits_that_make_no_sense() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:15:59: `max_bytes` applies to strings, not to numbers
        spec/shop/pay.yaml:15:71: `minimum: 5` is larger than `maximum: 1`
        spec/shop/pay.yaml:16:40: `min_chars: 9` is larger than `max_chars: 4`; no value can satisfy both
        spec/shop/pay.yaml:17:46: `max_items: 0` allows nothing; remove the field or fix the limit
        4 problems found; nothing was written"#]];
    let op = OPERATION.replace(
        "amount: { type: integer, required: true, description: The amount. }",
        "amount: { type: integer, required: true, max_bytes: 3, minimum: 5, maximum: 1, description: The amount. }\n      \
         note: { type: string, min_chars: 9, max_chars: 4, description: A note. }\n      \
         tags: { type: list<string>, max_items: 0, description: Tags. }",
    );
    check_op(&op, expected);
}

#[test]
fn path_parameters_must_match_the_path() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:4:7: path parameter `{order}` is not declared under `path_params`
        spec/shop/pay.yaml:6:3: path parameter `orderId` does not appear in the path
        2 problems found; nothing was written"#]];
    check_op(&OPERATION.replace("path: /pay/{orderId}", "path: /pay/{order}"), expected);
}

#[test]
fn codes_must_be_defined_and_named() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:9:5: code `1105` is not defined in provider.yaml (did you mean `1104`?); define it there or give it a name and description here
        spec/shop/pay.yaml:10:13: code `1300` needs a `name`: the code itself does not make a Rust name
        2 problems found; nothing was written"#]];
    check_op(
        &OPERATION.replace("  - \"1104\"\n", "  - \"1105\"\n  - { code: \"1300\", description: A new code. }\n"),
        expected,
    );
}

#[test]
fn unknown_classification_is_a_typo() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:9:21: `expire_key` is not a code key or a classification declared in provider.yaml (did you mean `expires_key`?)
        1 problem found; nothing was written"#]];
    check_op(&OPERATION.replace("  - \"1104\"\n", "  - { code: \"1104\", expire_key: true }\n"), expected);
}

#[test]
fn envelope_needs_its_keys() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:6:11: envelope kind `http_status` needs `error_body` (a struct type) and `code_field` (its field holding the code)
        1 problem found; nothing was written"#]];
    check_provider(
        &PROVIDER.replace("{ kind: line_pay, success_codes: [\"0000\"] }", "{ kind: http_status }"),
        expected,
    );
}

#[test]
fn missing_required_keys() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:1:1: an operation file is missing the required key `method`
        spec/shop/pay.yaml:1:1: an operation file is missing the required key `summary`
        2 problems found; nothing was written"#]];
    check_op(&OPERATION.replace("summary: Pay.\n", "").replace("method: POST\n", ""), expected);
}

#[test]
fn provider_name_must_match_its_folder() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:1:11: provider `store` lives in the folder `shop`; rename one so they match
        1 problem found; nothing was written"#]];
    check_provider(&PROVIDER.replace("provider: shop", "provider: store"), expected);
}

#[test]
fn yaml_syntax_error() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:3:7: YAML syntax error: illegal placement of ':' indicator
        1 problem found; nothing was written"#]];
    check_op(&OPERATION.replace("summary: Pay.", "summary: [Pay."), expected);
}

#[test]
fn unused_types() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:17:3: type `Leftover` is defined but nothing in this operation refers to it
        1 problem found; nothing was written"#]];
    check_op(
        &format!("{OPERATION}  Leftover:\n    kind: enum\n    description: Unused.\n    values: {{ A: A. }}\n"),
        expected,
    );
}

#[test]
fn wire_number_needs_a_digit_charset() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:16:3: type `Key` is defined but no operation or notification uses it
        spec/shop/provider.yaml:20:11: `wire: number` on `Key` needs `charset: digits` and at most 19 characters, so every value fits a JSON integer
        2 problems found; nothing was written"#]];
    check_provider(
        &format!("{PROVIDER}  Key:\n    kind: string\n    description: A key.\n    max_chars: 30\n    wire: number\n"),
        expected,
    );
}

#[test]
fn reserved_and_colliding_names() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:18:7: field `orderId` becomes `order_id` in Rust, like the field at line 17
        spec/shop/provider.yaml:15:26: enum value `UNKNOWN` would take the name `Unknown`, which holds values the spec does not list; give it another `name`
        2 problems found; nothing was written"#]];
    let op = OPERATION.replace(
        "currency: { type: Currency, description: The currency. }",
        "currency: { type: Currency, description: The currency. }\n      order_id: { type: string, description: A. }\n      orderId: { type: string, description: B. }",
    );
    let provider = PROVIDER.replace("values: { JPY: Yen. }", "values: { JPY: Yen., UNKNOWN: Not known. }");
    expected.assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &op)]));
}

#[test]
fn common_codes_are_not_listed_again() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:9:5: code `1104` is common to every operation of the provider; remove it from this list
        1 problem found; nothing was written"#]];
    check_provider(
        &PROVIDER.replace(
            "{ name: MerchantNotFound, description: No such merchant. }",
            "{ name: MerchantNotFound, description: No such merchant., common: true }",
        ),
        expected,
    );
}

#[test]
fn every_problem_in_every_file_is_reported_at_once() {
    let expected = expect![[r#"
        spec/shop/other.yaml:6:18: timeout_seconds 0 must be between 1 and 600
        spec/shop/pay.yaml:3:9: unknown method `FETCH`; expected one of: GET, POST, PUT, PATCH, DELETE
        spec/shop/pay.yaml:15:23: unknown type `int`; use a primitive (string, integer, decimal, boolean, json), list<T>, map<T>, or a type defined in this file or provider.yaml
        spec/shop/provider.yaml:4:26: base URL `shop.example/` must start with https:// (or http://) and must not end with `/`
        spec/shop/provider.yaml:5:7: unknown auth `hmac`; expected one of: line_pay_hmac_sha256, alipay_plus_rsa256, elepay_secret_key
        5 problems found; nothing was written"#]];
    let provider =
        PROVIDER.replace("auth: line_pay_hmac_sha256", "auth: hmac").replace("https://shop.example", "shop.example/");
    let broken_op = OPERATION.replace("method: POST", "method: FETCH").replace("type: integer", "type: int");
    let other = "source: test\nsummary: Other.\nmethod: GET\npath: /other\ncodes: [\"1104\"]\ntimeout_seconds: 0\n";
    expected.assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &broken_op), ("other.yaml", other)]));
}

#[test]
fn sum_rules_must_name_numbers_and_lists() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:18:17: `over: currency` must be a list of structs in this struct
        spec/shop/pay.yaml:18:49: `equals: amont` must name an integer or decimal field of this struct (did you mean `amount`?)
        2 problems found; nothing was written"#]];
    let op = OPERATION.replace(
        "      currency: { type: Currency, description: The currency. }\n",
        "      currency: { type: Currency, description: The currency. }\n    sums:\n      - { over: currency, of: [amount], equals: amont }\n",
    );
    check_op(&op, expected);
}

#[test]
fn sum_rules_of_several_terms() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:19:85: `of: fee` must name a required integer or decimal field of the elements of `items`
        spec/shop/pay.yaml:19:118: `of: name` must name an integer or decimal field of the elements of `items`
        spec/shop/pay.yaml:20:60: a sum rule of type `PayRequest` has `terms` and also `over`/`of`; write the terms in one place
        spec/shop/pay.yaml:21:9: a sum rule of type `PayRequest` needs `over` and `of`, or `terms`
        4 problems found; nothing was written"#]];
    let op = OPERATION.replace(
        "      currency: { type: Currency, description: The currency. }\n",
        "      currency: { type: Currency, description: The currency. }\n      \
         items: { type: list<Item>, required: true, description: The items. }\n    \
         sums:\n      \
         - { equals: amount, terms: [{ over: items, of: [price] }, { over: items, of: [fee, qty] }, { over: items, of: [name] }] }\n      \
         - { equals: amount, over: items, of: [price], terms: [{ over: items, of: [price] }] }\n      \
         - { equals: amount }\n  \
         Item:\n    kind: struct\n    description: An item.\n    fields:\n      \
         price: { type: integer, description: Optional alone. }\n      \
         fee: { type: integer, description: Optional so not in a product. }\n      \
         qty: { type: integer, required: true, description: Count. }\n      \
         name: { type: string, required: true, description: Text. }\n",
    );
    check_op(&op, expected);
}

/// The operation with a type of its own that `field` (written into `PayRequest`) refers to.
fn with_own_type(name: &str, def: &str) -> String {
    OPERATION.replace(
        "      currency: { type: Currency, description: The currency. }\n",
        &format!("      currency: {{ type: Currency, description: The currency. }}\n      extra: {{ type: {name}, description: Extra. }}\n  {name}:\n{def}"),
    )
}

const ENUM_DEF: &str = "    kind: enum\n    description: A generated-looking name.\n    values: { A: A. }\n";

#[test]
fn an_operation_type_named_like_its_generated_outcome_enum() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:20:3: type `PayOutcome` takes the Rust name `PayOutcome` in module `shop::pay`, which the outcome enum generated for operation `pay`'s success codes (spec/shop/pay.yaml:9) already has; rename one of them
        1 problem found; nothing was written"#]];
    let op = with_own_type("PayOutcome", ENUM_DEF).replace(
        "codes:\n",
        "success_codes:\n  - { code: \"0110\", name: Authorized, description: Authorized. }\ncodes:\n",
    );
    check_op(&op, expected);
}

#[test]
fn an_operation_type_named_like_its_generated_error_enum() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:18:3: type `PayError` takes the Rust name `PayError` in module `shop::pay`, which the error enum generated for operation `pay` (spec/shop/pay.yaml:1) already has; rename one of them
        1 problem found; nothing was written"#]];
    check_op(&with_own_type("PayError", ENUM_DEF), expected);
}

#[test]
fn an_operation_type_named_like_its_generated_query_struct() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:20:3: type `PayQuery` takes the Rust name `PayQuery` in module `shop::pay`, which the query struct generated for operation `pay` (spec/shop/pay.yaml:8) already has; rename one of them
        1 problem found; nothing was written"#]];
    let op = with_own_type("PayQuery", ENUM_DEF).replace(
        "request: PayRequest\n",
        "query:\n  page: { type: integer, description: The page. }\nrequest: PayRequest\n",
    );
    check_op(&op, expected);
}

#[test]
fn an_operation_newtype_named_like_a_generated_constant() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:18:3: type `OPERATION` takes the Rust name `OPERATION` in module `shop::pay`, which the generated `OPERATION` already has; choose another name
        1 problem found; nothing was written"#]];
    check_op(&with_own_type("OPERATION", "    kind: string\n    description: Looks like a constant.\n"), expected);
}

#[test]
fn a_provider_type_named_like_the_generated_environment_enum() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:12:3: type `Environment` takes the Rust name `Environment` in module `shop`, which the enum generated for `base_urls` (spec/shop/provider.yaml:4) already has; rename one of them
        1 problem found; nothing was written"#]];
    let provider = PROVIDER.replace(
        "  Currency:\n",
        "  Environment:\n    kind: enum\n    description: Where.\n    values: { LIVE: Live. }\n  Currency:\n",
    );
    let op = OPERATION.replace(
        "      currency: { type: Currency, description: The currency. }\n",
        "      currency: { type: Currency, description: The currency. }\n      environment: { type: Environment, description: Where. }\n",
    );
    expected.assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &op)]));
}

#[test]
fn environments_whose_variants_coincide() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:4:49: environment `sandbox1` takes the Rust name `Sandbox1` in enum `shop::Environment`, which environment `sandbox_1` (spec/shop/provider.yaml:4) already has; rename one of them
        spec/shop/provider.yaml:4:83: environment `custom` takes the Rust name `Custom` in enum `shop::Environment`, which the variant for any other base URL already has; choose another name
        2 problems found; nothing was written"#]];
    check_provider(
        &PROVIDER.replace(
            "base_urls: { production: https://shop.example }",
            "base_urls: { sandbox_1: https://a.shop.example, sandbox1: https://b.shop.example, custom: https://c.shop.example }",
        ),
        expected,
    );
}

#[test]
fn categories_whose_variants_coincide() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:11:3: category `user1` takes the Rust name `User1` in enum `shop::ErrorCategory`, which category `user_1` (spec/shop/provider.yaml:10) already has; rename one of them
        1 problem found; nothing was written"#]];
    check_provider(
        &PROVIDER.replace("codes:\n", "categories:\n  user_1: The first user.\n  user1: The other user.\ncodes:\n"),
        expected,
    );
}

#[test]
fn operations_whose_rust_names_coincide() {
    let expected = expect![[r#"
        spec/shop/pay1.yaml:1:1: the error enum generated for operation `pay1` takes the Rust name `Pay1Error` in provider `shop`'s operations, which the error enum generated for operation `pay_1` (spec/shop/pay_1.yaml:1) already has; rename one of them
        1 problem found; nothing was written"#]];
    expected.assert_eq(&check(&[("provider.yaml", PROVIDER), ("pay_1.yaml", OPERATION), ("pay1.yaml", OPERATION)]));
}

#[test]
fn operations_named_like_generated_items() {
    let expected = expect![[r#"
        spec/shop/client.yaml:1:1: operation `client` takes the Rust name `client` in module `shop`, which the generated `client` module already has; choose another name
        spec/shop/new.yaml:1:1: the client method of operation `new` takes the Rust name `new` in `shop::Client`, which `Client::new` already has; choose another name
        2 problems found; nothing was written"#]];
    expected.assert_eq(&check(&[("provider.yaml", PROVIDER), ("client.yaml", OPERATION), ("new.yaml", OPERATION)]));
}

#[test]
fn a_provider_named_like_the_runtime_re_export() {
    let expected = expect![[r#"
        spec/runtime/provider.yaml:1:11: provider `runtime` takes the Rust name `runtime` in the crate root, which the re-export of payspec-runtime already has; choose another name
        1 problem found; nothing was written"#]];
    let source = ProviderSource {
        folder: "runtime".into(),
        files: vec![
            ("provider.yaml".into(), PROVIDER.replace("provider: shop", "provider: runtime")),
            ("pay.yaml".into(), OPERATION.into()),
        ],
    };
    expected.assert_eq(&load_sources("spec", vec![source]).err().map_or("no problems".into(), |d| d.to_string()));
}

#[test]
fn snake_names_whose_camel_case_is_no_identifier() {
    let expected = expect![[r#"
        spec/shop/_2.yaml:1:1: operation `_2` does not make a Rust name (its UpperCamelCase form is `2`)
        spec/shop/provider.yaml:4:14: environment `_1` does not make a Rust name (its UpperCamelCase form is `1`)
        2 problems found; nothing was written"#]];
    let provider =
        PROVIDER.replace("base_urls: { production: https://shop.example }", "base_urls: { _1: https://shop.example }");
    expected.assert_eq(&check(&[("provider.yaml", &provider), ("_2.yaml", OPERATION)]));
}

#[test]
fn types_named_like_the_provider_error_or_credentials() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:12:3: type `Error` takes the Rust name `Error` in module `shop`, which the generated `Error` of its operations already has; choose another name
        1 problem found; nothing was written"#]];
    let provider = PROVIDER.replace("  Currency:", "  Error:");
    let op = OPERATION.replace("type: Currency", "type: Error");
    expected.assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &op)]));
}

#[test]
fn amount_rules_are_checked_where_they_are_written() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:6:37: `secret` path parameter `orderId` must be a plain string
        spec/shop/pay.yaml:15:66: `minor_units_from` applies to decimals; `amount` is `integer`
        spec/shop/pay.yaml:16:50: `exclusive_minimum: 5` is not below `maximum: 5`; no value can satisfy both
        spec/shop/pay.yaml:17:47: `minor_units_from: currency` must name an enum field whose values give `minor_units`
        spec/shop/pay.yaml:18:37: unknown format `positive_number` (did you mean `positive_integer`?); expected one of: datetime, positive_integer, url
        spec/shop/pay.yaml:18:73: `exclusive_minimum` applies to integers and decimals, not to strings
        6 problems found; nothing was written"#]];
    let operation = OPERATION
        .replace(
            "amount: { type: integer, required: true, description: The amount. }",
            "amount: { type: integer, required: true, minor_units_from: currency, description: The amount. }\n      \
             price: { type: decimal, exclusive_minimum: 5, maximum: 5, minor_units_from: code, description: A price. }\n      \
             fee: { type: decimal, minor_units_from: currency, description: A fee. }\n      \
             code: { type: string, format: positive_number, exclusive_minimum: 0, description: A code. }",
        )
        .replace("orderId: { type: string, description: The order. }", "orderId: { type: integer, secret: true, description: The order. }");
    check_op(&operation, expected);
}

#[test]
fn minor_units_must_fit_an_amount() {
    let expected = expect![[r#"
        spec/shop/provider.yaml:15:54: `minor_units: 19` is more than the 18 fractional digits an amount holds
        1 problem found; nothing was written"#]];
    check_provider(
        &PROVIDER.replace("values: { JPY: Yen. }", "values: { JPY: { description: Yen., minor_units: 19 } }"),
        expected,
    );
}

const WALLET: &str = r#"provider: shop
title: Wallet
source: test
auth: alipay_plus_rsa256
envelope: { kind: alipay_plus }
codes:
  UNKNOWN_EXCEPTION: { result_status: U, outcome_unknown: true, common: true, description: Unknown. }
"#;

const WALLET_PAY: &str = r#"source: test
summary: Pay.
method: POST
path: /pay
request: PayRequest
response: PayResponse
success_codes:
  - { code: ACCEPT, name: Accepted, result_status: A, description: Accepted. }
codes:
  - { code: RISK_REJECT, result_status: F, description: Rejected. }
types:
  PayRequest:
    kind: struct
    description: A payment.
    fields:
      id: { type: string, required: true, description: The id. }
  PayResponse:
    kind: struct
    description: The answer.
    fields:
      url: { type: string, description: The cashier page. }
"#;

fn check_wallet(provider: &str, pay: &str, expected: Expect) {
    expected.assert_eq(&check(&[("provider.yaml", provider), ("pay.yaml", pay)]));
}

#[test]
fn alipay_plus_result_statuses_agree_with_the_envelope_and_the_facts() {
    assert_eq!(check(&[("provider.yaml", WALLET), ("pay.yaml", WALLET_PAY)]), "no problems");
    let expected = expect![[r#"
        spec/shop/pay.yaml:8:5: success code `ACCEPT` needs `result_status` (S or A) under the alipay_plus envelope
        spec/shop/pay.yaml:10:5: code `RISK_REJECT` needs `result_status` (F or U): Alipay+ documents the status each code comes with
        spec/shop/pay.yaml:11:5: code `PAYMENT_IN_PROCESS` has result_status U, so its outcome is unknown: add `outcome_unknown: true`
        spec/shop/pay.yaml:12:5: code `CAPTURE_IN_PROCESS` is `outcome_unknown` but has result_status F, a final failure; an outcome_unknown code must be U
        spec/shop/pay.yaml:13:44: code `ACCEPTED_LATER` has result_status A, which answers the call: list it under the operation's `success_codes` instead
        spec/shop/pay.yaml:14:33: unknown result_status `X` (did you mean `A`?); expected one of: S, A, F, U
        6 problems found; nothing was written"#]];
    let pay = WALLET_PAY.replace("result_status: A, description: Accepted.", "description: Accepted.").replace(
        "  - { code: RISK_REJECT, result_status: F, description: Rejected. }",
        "  - { code: RISK_REJECT, description: Rejected. }\n  \
             - { code: PAYMENT_IN_PROCESS, result_status: U, description: Processing. }\n  \
             - { code: CAPTURE_IN_PROCESS, result_status: F, outcome_unknown: true, description: Capturing. }\n  \
             - { code: ACCEPTED_LATER, result_status: A, description: Later. }\n  \
             - { code: ODD, result_status: X, description: Odd. }",
    );
    check_wallet(WALLET, &pay, expected);
    let expected = expect![[r#"
        spec/shop/pay.yaml:8:52: success code `ACCEPT` has result_status F, which does not answer the call; a success code is S or A, an error code goes under `codes`
        1 problem found; nothing was written"#]];
    check_wallet(WALLET, &WALLET_PAY.replace("result_status: A", "result_status: F"), expected);
}

#[test]
fn result_status_belongs_to_the_alipay_plus_envelope() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:9:54: `result_status` applies only to the alipay_plus envelope; remove it
        spec/shop/provider.yaml:10:52: `result_status` applies only to the alipay_plus envelope; remove it
        2 problems found; nothing was written"#]];
    let provider = PROVIDER.replace(
        r#""1104": { name: MerchantNotFound, description: No such merchant. }"#,
        r#""1104": { name: MerchantNotFound, result_status: F, description: No such merchant. }"#,
    );
    let operation = OPERATION.replace(
        "codes:\n  - \"1104\"\n",
        "success_codes:\n  - { code: \"0110\", name: Authorized, result_status: A, description: Authorized. }\ncodes:\n  - \"1104\"\n",
    );
    expected.assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &operation)]));
}

#[test]
fn constraints_name_optional_fields_and_values_that_exist() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:19:33: `amount` is required anyway; a constraint applies to optional fields
        spec/shop/pay.yaml:20:33: constraint names `cod`, which is not a field here (did you mean `code`?)
        spec/shop/pay.yaml:21:9: `at_least_one_of` names two fields or more
        spec/shop/pay.yaml:22:50: `equals: USD` is not a value of `currency` (JPY)
        spec/shop/pay.yaml:23:32: `when: amount` must name an enum or string field here
        spec/shop/pay.yaml:24:9: a constraint of type `PayRequest` is either `at_least_one_of: [a, b]` or `require: a, when: b, equals: VALUE`
        6 problems found; nothing was written"#]];
    let op = OPERATION.replace(
        "      currency: { type: Currency, description: The currency. }\n",
        "      currency: { type: Currency, description: The currency. }\n      \
         code: { type: string, description: A code. }\n    \
         constraints:\n      \
         - at_least_one_of: [code, amount]\n      \
         - at_least_one_of: [code, cod]\n      \
         - at_least_one_of: [code]\n      \
         - { require: code, when: currency, equals: USD }\n      \
         - { require: code, when: amount, equals: \"1\" }\n      \
         - { require: code, when: currency }\n",
    );
    check_op(&op, expected);
}

#[test]
fn type_nesting_is_bounded() {
    let expected = expect![[r#"
        spec/shop/pay.yaml:15:23: type nests more than 8 `list<>`/`map<>` levels; no provider page needs that many
        1 problem found; nothing was written"#]];
    let nine = format!("{}string{}", "list<".repeat(5) + &"map<".repeat(4), ">".repeat(9));
    check_op(&OPERATION.replace("amount: { type: integer,", &format!("amount: {{ type: \"{nine}\",")), expected);
    // Ten thousand levels (a fuzzer's find): the same error, not a stack overflow.
    let deep = format!("{}string{}", "list<".repeat(10_000), ">".repeat(10_000));
    let out = check(&[
        ("provider.yaml", PROVIDER),
        ("pay.yaml", &OPERATION.replace("type: integer,", &format!("type: \"{deep}\","))),
    ]);
    assert!(out.contains("pay.yaml:15:") && out.contains("more than 8"), "{out}");
}

#[test]
fn success_status_is_a_2xx_of_the_http_status_envelope() {
    let line_pay = "source: test\nsummary: Other.\nmethod: GET\npath: /other\ncodes: [\"1104\"]\nsuccess_status: 201\n";
    let expected = expect![[r#"
        spec/shop/other.yaml:6:17: `success_status` applies only to the http_status envelope
        1 problem found; nothing was written"#]];
    expected.assert_eq(&check(&[("provider.yaml", PROVIDER), ("other.yaml", line_pay)]));
}

#[test]
fn idempotency_key_names_a_required_string_of_the_request() {
    let op = |key: &str, extra: &str| {
        OPERATION
            .replace("request: PayRequest\n", &format!("{extra}idempotency_key: {key}\nrequest: PayRequest\n"))
            .replace(
                "      currency: { type: Currency, description: The currency. }\n",
                "      currency: { type: Currency, description: The currency. }\n      \
                 requestId: { type: string, required: true, description: The request id. }\n      \
                 note: { type: string, description: A note. }\n",
            )
    };
    check_op(&op("requestId", ""), expect!["no problems"]);
    check_op(
        &op("requestID", ""),
        expect![[r#"
        spec/shop/pay.yaml:7:18: `idempotency_key`: `PayRequest` has no field `requestID` (did you mean `requestId`?)
        1 problem found; nothing was written"#]],
    );
    check_op(
        &op("amount", ""),
        expect![[r#"
        spec/shop/pay.yaml:7:18: `idempotency_key`: `PayRequest.amount` must be a required string, found integer
        1 problem found; nothing was written"#]],
    );
    check_op(
        &op("note", ""),
        expect![[r#"
        spec/shop/pay.yaml:7:18: `idempotency_key`: `PayRequest.note` must be a required string, found optional string
        1 problem found; nothing was written"#]],
    );
    check_op(
        &op("requestId", "idempotent: false\n"),
        expect![[r#"
        spec/shop/pay.yaml:8:18: `idempotency_key` makes the operation idempotent, but it says `idempotent: false`; remove one
        1 problem found; nothing was written"#]],
    );
    let no_request =
        "source: test\nsummary: Other.\nmethod: POST\npath: /other\ncodes: [\"1104\"]\nidempotency_key: id\n";
    expect![[r#"
        spec/shop/other.yaml:6:18: `idempotency_key` names a request field, but the operation has no `request`
        1 problem found; nothing was written"#]]
    .assert_eq(&check(&[("provider.yaml", PROVIDER), ("other.yaml", no_request)]));
}

#[test]
fn effect_is_one_money_effect_of_an_operation_that_can_move_money() {
    let op =
        |effect: &str| OPERATION.replace("request: PayRequest\n", &format!("effect: {effect}\nrequest: PayRequest\n"));
    check_op(&op("capture"), expect!["no problems"]);
    check_op(
        &op("captured"),
        expect![[r#"
        spec/shop/pay.yaml:7:9: unknown effect `captured` (did you mean `capture`?); expected one of: pay, confirm, capture, refund, void
        1 problem found; nothing was written"#]],
    );
    check_op(
        &op("[capture]"),
        expect![[r#"
        spec/shop/pay.yaml:7:9: `effect` must be a string, found a list
        1 problem found; nothing was written"#]],
    );
    let get = "source: test\nsummary: Other.\nmethod: GET\npath: /other\ncodes: [\"1104\"]\neffect: refund\n";
    expect![[r#"
        spec/shop/other.yaml:6:9: `effect: refund` on a GET operation, which moves no money
        1 problem found; nothing was written"#]]
    .assert_eq(&check(&[("provider.yaml", PROVIDER), ("other.yaml", get)]));
}

#[test]
fn url_format_is_for_strings_that_are_not_numbers() {
    let field = |text: &str| {
        OPERATION.replace(
            "      currency: { type: Currency, description: The currency. }\n",
            &format!("      currency: {{ type: Currency, description: The currency. }}\n      {text}\n"),
        )
    };
    check_op(&field("back: { type: string, format: url, description: Back. }"), expect!["no problems"]);
    check_op(
        &field("back: { type: string, format: uri, description: Back. }"),
        expect![[r#"
            spec/shop/pay.yaml:17:37: unknown format `uri` (did you mean `url`?); expected one of: datetime, positive_integer, url
            1 problem found; nothing was written"#]],
    );
    check_op(
        &field("back: { type: integer, format: url, description: Back. }"),
        expect![[r#"
        spec/shop/pay.yaml:17:38: `format` applies to strings, not to numbers
        1 problem found; nothing was written"#]],
    );
    let provider = PROVIDER.replace(
        "types:\n",
        "types:\n  Id:\n    kind: string\n    description: An id.\n    wire: number\n    charset: digits\n    \
         max_chars: 19\n    format: url\n",
    );
    let op = field("back: { type: Id, description: Back. }");
    expect![[r#"
        spec/shop/provider.yaml:15:11: `wire: number` cannot carry a `format: url` string; remove one
        1 problem found; nothing was written"#]]
    .assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &op)]));
}

#[test]
fn datetime_format_is_for_plain_strings_without_text_limits() {
    let field = |text: &str| {
        OPERATION.replace(
            "      currency: { type: Currency, description: The currency. }\n",
            &format!("      currency: {{ type: Currency, description: The currency. }}\n      {text}\n"),
        )
    };
    check_op(&field("at: { type: string, format: datetime, description: When. }"), expect!["no problems"]);
    check_op(
        &field("at: { type: list<string>, format: datetime, max_items: 2, description: When. }"),
        expect!["no problems"],
    );
    check_op(
        &field("at: { type: string, format: datetime, max_chars: 25, charset: digits, description: When. }"),
        expect![[r#"
            spec/shop/pay.yaml:17:56: `max_chars` applies to strings, not to dates and times (`format: datetime`)
            spec/shop/pay.yaml:17:69: `charset` applies to strings, not to dates and times (`format: datetime`)
            2 problems found; nothing was written"#]],
    );
    check_op(
        &field("at: { type: integer, format: datetime, description: When. }"),
        expect![[r#"
        spec/shop/pay.yaml:17:36: `format` applies to strings, not to numbers
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field("at: { type: Currency, format: datetime, description: When. }"),
        expect![[r#"
        spec/shop/pay.yaml:17:37: `format: datetime` goes on a field of type `string` (or a list or map of them), which it makes a `DateTime`; not on an enum or a `kind: string` type
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field("at: { type: datetime, description: When. }"),
        expect![[r#"
        spec/shop/pay.yaml:17:19: unknown type `datetime` (a date and time is `type: string, format: datetime`); use a primitive (string, integer, decimal, boolean, json), list<T>, map<T>, or a type defined in this file or provider.yaml
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field("at: { type: string, format: datetime, default: \"2024-01-01T00:00:00Z\", description: When. }"),
        expect![[r#"
            spec/shop/pay.yaml:17:54: a `format: datetime` field takes no `default`; say it in the description
            1 problem found; nothing was written"#]],
    );
    let provider = PROVIDER
        .replace("types:\n", "types:\n  Stamp:\n    kind: string\n    description: A time.\n    format: datetime\n");
    let op = field("at: { type: Stamp, description: When. }");
    expect![[r#"
        spec/shop/provider.yaml:15:13: `format: datetime` goes on a field of type `string` (or a list or map of them), which it makes a `DateTime`; not on an enum or a `kind: string` type
        1 problem found; nothing was written"#]].assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &op)]));
}

#[test]
fn patterns_are_regular_expressions_on_strings() {
    let field = |text: &str| {
        OPERATION.replace(
            "      currency: { type: Currency, description: The currency. }\n",
            &format!("      currency: {{ type: Currency, description: The currency. }}\n      {text}\n"),
        )
    };
    check_op(&field(r#"code: { type: string, pattern: "^[A-Z]{3}$", description: A code. }"#), expect!["no problems"]);
    check_op(
        &field(r#"codes: { type: list<string>, pattern: "^[A-Z]{3}$", description: Codes. }"#),
        expect!["no problems"],
    );
    check_op(
        &field(r#"code: { type: string, pattern: "^[A-Z]{3$", description: A code. }"#),
        expect![[r#"
        spec/shop/pay.yaml:17:38: `pattern` `^[A-Z]{3$` is not a regular expression regex-lite reads: expected closing brace for counted repetition, but got something else
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field(r#"code: { type: string, pattern: "(?<x)", description: A code. }"#),
        expect![[r#"
        spec/shop/pay.yaml:17:38: `pattern` `(?<x)` is not a regular expression regex-lite reads: invalid group name
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field(r#"code: { type: string, pattern: "", description: A code. }"#),
        expect![[r#"
        spec/shop/pay.yaml:17:38: `pattern: ""` matches every string; remove it
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field(r#"code: { type: integer, pattern: "^[0-9]+$", description: A code. }"#),
        expect![[r#"
        spec/shop/pay.yaml:17:39: `pattern` applies to strings, not to numbers
        1 problem found; nothing was written"#]],
    );
    check_op(
        &field(r#"at: { type: string, format: datetime, pattern: "Z$", description: When. }"#),
        expect![[r#"
            spec/shop/pay.yaml:17:54: `pattern` applies to strings, not to dates and times (`format: datetime`)
            1 problem found; nothing was written"#]],
    );
    let provider = PROVIDER
        .replace("types:\n", "types:\n  Code:\n    kind: string\n    description: A code.\n    pattern: \"[\"\n");
    let op = field("code: { type: Code, description: A code. }");
    expect![[r#"
        spec/shop/provider.yaml:15:14: `pattern` `[` is not a regular expression regex-lite reads: found unclosed character class
        1 problem found; nothing was written"#]].assert_eq(&check(&[("provider.yaml", &provider), ("pay.yaml", &op)]));
}

/// `OPERATION` with these lines appended under `examples:`.
fn with_examples(examples: &str) -> String {
    format!("{OPERATION}examples:\n{examples}")
}

#[test]
fn examples_must_parse_and_fit_the_operation() {
    let examples = r#"  - name: broken_json
    source: test
    request: |
      {
        "amount": 100,
        "currency": "JPY",
      }
  - name: not_an_object
    source: test
    request: '[1, 2]'
  - name: broken_json
    source: test
    response: '{"returnCode": "0000"}'
  - name: Bad-Name
    source: test
  - name: wrong_parts
    source: test
    request: '{"amount": 1}'
    status: 201
    error: "9999"
    known_differences:
      - { part: response, path: info.id, reason: Absent. }
      - { part: request, path: "items[3].price", reason: No such item. }
      - { part: body, path: amount, reason: Unknown part. }
    expected_failure: { part: request }
  - name: refused_and_different
    source: test
    request: '{"amount": 1}'
    known_differences:
      - { part: request, path: amount, reason: Same. }
    expected_failure: { part: request, reason: Refused. }
  - source: test
    request: { amount: 1 }
"#;
    let expected = expect![[r#"
        spec/shop/pay.yaml:24:7: the example's `request` is not valid JSON: trailing comma at line 4 column 1 (line and column within the JSON)
        spec/shop/pay.yaml:27:14: the example's `request` must be a JSON object
        spec/shop/pay.yaml:28:11: example `broken_json` is already defined at line 18; names must differ
        spec/shop/pay.yaml:31:5: an example needs a `query`, a `request` or a `response`
        spec/shop/pay.yaml:31:11: example name `Bad-Name` must be a snake_case Rust identifier (lowercase letters, digits, `_`; not a keyword)
        spec/shop/pay.yaml:36:13: `status` applies only to the http_status envelope; the others answer 200
        spec/shop/pay.yaml:37:12: `error` names the code of the example's `response`; add the response
        spec/shop/pay.yaml:37:12: `error`: `9999` is not one of the operation's codes; list it under `codes`
        spec/shop/pay.yaml:39:17: the example has no `response`
        spec/shop/pay.yaml:40:32: `path`: `items[3].price` is not in the documented JSON; write members with `.` and list items with `[0]`, e.g. `payInfo[0].amount`
        spec/shop/pay.yaml:41:17: unknown part `body`; expected `query`, `request` or `response`
        spec/shop/pay.yaml:42:23: `expected_failure` is missing the required key `reason`
        spec/shop/pay.yaml:48:23: a part that is expected to fail has no re-encoding to differ; remove one
        spec/shop/pay.yaml:49:5: an example is missing the required key `name`
        spec/shop/pay.yaml:49:5: an example needs a `query`, a `request` or a `response`
        spec/shop/pay.yaml:50:14: `request` must be the documented JSON as text (a `|` block), found a mapping
        16 problems found; nothing was written"#]];
    check_op(&with_examples(examples), expected);
}

#[test]
fn an_example_request_needs_a_request_type_and_an_error_answer_is_not_re_encoded() {
    let no_request = OPERATION.replace("request: PayRequest\n", "").replace(
        "types:\n  PayRequest:\n    kind: struct\n    description: A payment.\n    fields:\n      amount: { type: integer, required: true, description: The amount. }\n      currency: { type: Currency, description: The currency. }\n",
        "",
    );
    let examples = "examples:\n  - name: sample\n    source: test\n    request: '{}'\n    response: |\n      {\"returnCode\": \"1104\"}\n    error: \"1104\"\n    known_differences:\n      - { part: response, path: returnCode, reason: An error is not re-encoded. }\n";
    let expected = expect![[r#"
        spec/shop/pay.yaml:12:14: the example has a `request`, but the operation has no `request` type
        spec/shop/pay.yaml:17:9: an error answer is not re-encoded, so it has no differences
        2 problems found; nothing was written"#]];
    check_op(&format!("{no_request}{examples}"), expected);
}

#[test]
fn an_operation_named_like_the_example_tests_module() {
    let examples = "examples:\n  - { name: sample, source: test, request: '{\"amount\": 1}' }\n";
    let expected = expect![[r#"
        spec/shop/example_tests.yaml:1:1: operation `example_tests` takes the Rust name `example_tests` in module `shop`, which the generated module of tests from the documented examples already has; choose another name
        1 problem found; nothing was written"#]];
    expected.assert_eq(&check(&[
        ("provider.yaml", PROVIDER),
        ("pay.yaml", &format!("{OPERATION}{examples}")),
        ("example_tests.yaml", OPERATION),
    ]));
}

#[test]
fn an_http_status_example_states_the_status_of_its_error() {
    let provider = "provider: api\ntitle: Api\nsource: test\nauth: elepay_secret_key\n\
        envelope: { kind: http_status, error_body: Problem, code_field: code }\n\
        codes:\n  E1: { name: Broken, description: Broken. }\n\
        types:\n  Problem:\n    kind: struct\n    description: An error.\n    fields:\n      \
        code: { type: string, required: true, description: The code. }\n";
    let op = "source: test\nsummary: Get.\nmethod: GET\npath: /item\ncodes: [E1]\nexamples:\n\
        - { name: no_status, source: test, response: '{\"code\": \"E1\"}', error: E1 }\n\
        - { name: success_status, source: test, response: '{\"code\": \"E1\"}', error: E1, status: 200 }\n\
        - { name: no_code, source: test, response: '{\"code\": \"E1\"}', status: 404 }\n\
        - { name: fine, source: test, response: '{\"code\": \"E1\"}', error: E1, status: 404 }\n";
    let source = ProviderSource {
        folder: "api".into(),
        files: vec![("provider.yaml".into(), provider.into()), ("get.yaml".into(), op.into())],
    };
    let expected = expect![[r#"
        spec/api/get.yaml:7:3: an error answer of the http_status envelope needs its `status` (4xx or 5xx)
        spec/api/get.yaml:8:88: an error answer comes with a 4xx or 5xx `status`
        spec/api/get.yaml:9:70: a `status` outside 2xx is an error answer: name its code with `error`
        3 problems found; nothing was written"#]];
    expected.assert_eq(&load_sources("spec", vec![source]).err().map(|d| d.to_string()).unwrap_or_default());
}

#[test]
fn example_path_parameters_and_queries_must_fit_the_operation() {
    let examples = "  - name: path\n    source: test\n    path_params: { orderID: a1, extra: x }\n    \
                    response: '{\"returnCode\": \"0000\"}'\n  - name: encoded\n    source: test\n    \
                    path_params: { orderId: \"a/b c\" }\n    query: '{\"page\": 1}'\n";
    let expected = expect![[r#"
        spec/shop/pay.yaml:18:5: `path_params` lacks orderId; give every path parameter
        spec/shop/pay.yaml:20:20: `path_params`: the operation has no path parameter `orderID` (did you mean `orderId`?)
        spec/shop/pay.yaml:20:33: `path_params`: the operation has no path parameter `extra`
        spec/shop/pay.yaml:24:29: `path_params`: `a/b c` must be letters, digits, `-`, `.`, `_` or `~` (what a path carries unencoded)
        spec/shop/pay.yaml:25:12: the example has a `query`, but the operation has no query parameters
        5 problems found; nothing was written"#]];
    check_op(&with_examples(examples), expected);
}

/// A provider whose `shop` wallet calls back: a webhook of events and a redirect.
const NOTIFYING: &str = r#"
  Notice:
    kind: struct
    description: An event.
    fields:
      id: { type: string, required: true, description: The event id. }
      kind: { type: string, required: true, description: What happened. }
      data: { type: json, description: The object. }
      note: { type: string, description: A note. }
  Order:
    kind: struct
    description: An order.
    fields:
      id: { type: string, description: The order id. }
notifications:
  webhook:
    summary: An event happened.
    method: POST
    auth: none
    body: Notice
    acknowledgement: http_ok
    key: [id]
    events:
      discriminator: kind
      object: data
      values:
        order.paid:
          name: OrderPaid
          description: An order was paid.
          object: Order
          follow_up: { operation: lookup, path: { orderId: id } }
  back:
    summary: The user comes back.
    method: GET
    auth: none
    query:
      orderId: { type: string, required: true, description: The order. }
    acknowledgement: none
    key: [orderId]
    follow_up: { operation: pay, path: { orderId: orderId } }
"#;

const LOOKUP: &str = r#"source: test
summary: Look an order up.
method: GET
path: /orders/{orderId}
path_params:
  orderId: { type: string, description: The order. }
response: Order
codes:
  - "1104"
"#;

/// The checker's output for the notifying provider with `from` replaced by `to` in its notifications.
fn check_notifying(from: &str, to: &str) -> String {
    let notifying = NOTIFYING.replace(from, to);
    assert!(from.is_empty() || notifying != NOTIFYING, "`{from}` is not in the fixture");
    let provider = format!("{}{}", PROVIDER.trim_end(), notifying.trim_end());
    check(&[("provider.yaml", &provider), ("pay.yaml", OPERATION), ("lookup.yaml", LOOKUP)])
}

#[test]
fn notifications_resolve() {
    expect!["no problems"].assert_eq(&check_notifying("", ""));
}

#[test]
fn notification_triggers_name_a_string_request_field() {
    let trigger = |line: &str| {
        check_notifying("    body: Notice\n", &format!("    triggered_by:\n      - {line}\n    body: Notice\n"))
    };
    expect![[r#"
        spec/shop/provider.yaml:35:34: `currency` must be a string field holding the URL, found Currency
        1 problem found; nothing was written"#]]
    .assert_eq(&trigger("{ operation: pay, field: currency }"));
    expect![[r#"
        spec/shop/provider.yaml:35:34: the request of `pay` has no field `amont` (did you mean `amount`?)
        1 problem found; nothing was written"#]]
    .assert_eq(&trigger("{ operation: pay, field: amont }"));
    expect![[r#"
        spec/shop/provider.yaml:35:22: unknown operation `pya`
        1 problem found; nothing was written"#]]
    .assert_eq(&trigger("{ operation: pya, field: amount }"));
    expect![[r#"
        spec/shop/provider.yaml:35:22: operation `lookup` has no request to carry the notification's URL
        1 problem found; nothing was written"#]]
    .assert_eq(&trigger("{ operation: lookup, field: id }"));
}

#[test]
fn notification_auth_and_acknowledgement_must_agree() {
    expect![[r#"
        spec/shop/provider.yaml:33:11: `alipay_plus_rsa256` notifications need the provider's auth `alipay_plus_rsa256`: the receiver verifies with the wallet's key from those credentials
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("auth: none\n    body", "auth: alipay_plus_rsa256\n    body"));
    expect![[r#"
        spec/shop/provider.yaml:35:22: the `alipay_plus_result` acknowledgement is signed with the merchant's key; it needs `auth: alipay_plus_rsa256`
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("acknowledgement: http_ok", "acknowledgement: alipay_plus_result"));
    expect![[r#"
        spec/shop/provider.yaml:35:22: unknown acknowledgement `http_200`; expected one of: alipay_plus_result, http_ok, none
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("acknowledgement: http_ok", "acknowledgement: http_200"));
}

#[test]
fn notification_payload_is_a_body_or_a_query() {
    expect![[r#"
        spec/shop/provider.yaml:34:11: a GET notification carries no body; describe its `query` instead
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("    method: POST", "    method: GET"));
    expect![[r#"
        spec/shop/provider.yaml:34:11: a notification has a `body` or a `query`, not both
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("    body: Notice\n", "    body: Notice\n    query: {}\n"));
    expect![[r#"
        spec/shop/provider.yaml:30:3: notification `webhook` needs a `body` (POST) or a `query` (GET)
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("    body: Notice\n", ""));
    expect![[r#"
        spec/shop/provider.yaml:34:11: `body` must name a struct type of provider.yaml, found `Currency`
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("body: Notice", "body: Currency"));
    expect![[r#"
        spec/shop/provider.yaml:51:7: query parameter `orderId` of a notification must be text (a string, string type or enum), found integer
        spec/shop/provider.yaml:54:51: `follow_up`: `orderId` is integer, but the path parameter `orderId` is string
        2 problems found; nothing was written"#]].assert_eq(&check_notifying(
        "orderId: { type: string, required: true",
        "orderId: { type: integer, required: true",
    ));
}

#[test]
fn notification_keys_are_required_fields() {
    expect![[r#"
        spec/shop/provider.yaml:36:11: `key`: `note` is optional; a key is made of required fields only
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("key: [id]", "key: [note]"));
    expect![[r#"
        spec/shop/provider.yaml:36:11: `key`: there is no field `ids` (did you mean `id`?)
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("key: [id]", "key: [ids]"));
    expect![[r#"
        spec/shop/provider.yaml:36:10: `key` lists no field; name the fields that identify a delivery, so that a resend is recognised
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("key: [id]", "key: []"));
    expect![[r#"
        spec/shop/provider.yaml:36:11: `key`: `data` is optional; a key is made of required fields only
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("key: [id]", "key: [data]"));
    expect![[r#"
        spec/shop/provider.yaml:36:11: `key`: `id` is not a struct
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("key: [id]", "key: [id.more]"));
}

#[test]
fn notification_events_need_a_discriminator_and_an_object() {
    expect![[r#"
        spec/shop/provider.yaml:38:22: `discriminator`: `note` must be a required string, found optional string
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("discriminator: kind", "discriminator: note"));
    expect![[r#"
        spec/shop/provider.yaml:39:15: `object`: `kind` must be json, found string
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("object: data", "object: kind"));
    expect![[r#"
        spec/shop/provider.yaml:42:17: event `order.paid` takes the Rust name `Unknown` in enum `shop::notifications::WebhookEvent`, which the variant for events the spec does not list already has; choose another name
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("name: OrderPaid", "name: Unknown"));
    expect![[r#"
        spec/shop/provider.yaml:42:17: event name `order_paid` must be an UpperCamelCase Rust identifier such as `OrderInfo`
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("name: OrderPaid", "name: order_paid"));
    expect![[r#"
        spec/shop/provider.yaml:44:22: event `order.paid` has a `follow_up` but no `object` type to take its ids from
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("          object: Order\n", ""));
    expect![[r#"
        spec/shop/provider.yaml:42:11: unknown key `nmae` in event `order.paid` of notification `webhook`; expected one of: name, description, object, follow_up
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("        order.paid:\n", "        order.paid:\n          nmae: X\n"));
}

#[test]
fn notification_follow_ups_fill_every_path_parameter() {
    expect![[r#"
        spec/shop/provider.yaml:45:22: `follow_up`: the path parameter `orderId` of `lookup` has no source; add `orderId: <field>` under `path`
        spec/shop/provider.yaml:45:51: `follow_up`: operation `lookup` has no path parameter `order` (did you mean `orderId`?)
        2 problems found; nothing was written"#]].assert_eq(&check_notifying("path: { orderId: id }", "path: { order: id }"));
    expect![[r#"
        spec/shop/provider.yaml:45:60: `follow_up`: there is no field `idd` (did you mean `id`?)
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("path: { orderId: id }", "path: { orderId: idd }"));
    expect![[r#"
        spec/shop/provider.yaml:45:35: unknown operation `lokup` (did you mean `lookup`?)
        1 problem found; nothing was written"#]]
    .assert_eq(&check_notifying("operation: lookup", "operation: lokup"));
    expect![[r#"
        spec/shop/provider.yaml:54:16: with `events`, give each event its own `follow_up`
        spec/shop/provider.yaml:55:13: `events` tells bodies apart; this notification has a `query`
        2 problems found; nothing was written"#]].assert_eq(&check_notifying(
        "    follow_up: { operation: pay, path: { orderId: orderId } }",
        "    follow_up: { operation: lookup, path: { orderId: orderId } }\n    events: { discriminator: a, object: b, values: {} }",
    ));
}

#[test]
fn notification_names_take_receiver_methods_and_types() {
    expect![[r#"
        spec/shop/provider.yaml:46:3: the receiver method of notification `new` takes the Rust name `new` in `shop::notifications::Receiver`, which `Receiver::new` already has; choose another name
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("  back:", "  new:"));
    expect![[r#"
        spec/shop/provider.yaml:46:3: the struct generated for notification `webhook_event` takes the Rust name `WebhookEvent` in module `shop::notifications`, which the event enum generated for notification `webhook` (spec/shop/provider.yaml:30) already has; rename one of them
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("  back:", "  webhook_event:"));
    expect![[r#"
        spec/shop/provider.yaml:46:3: notification name `Back` must be a snake_case Rust identifier (lowercase letters, digits, `_`; not a keyword)
        1 problem found; nothing was written"#]].assert_eq(&check_notifying("  back:", "  Back:"));
}
