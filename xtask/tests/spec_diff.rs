//! `cargo xtask spec-diff` on a real git history built in a temporary repository: the base specs are
//! read from git objects, the new ones from the working tree.

use std::path::Path;
use std::process::{Command, Output};

const PROVIDER: &str = r#"provider: shop
title: Shop
source: test
base_urls: { production: https://shop.example }
auth: line_pay_hmac_sha256
envelope: { kind: line_pay, success_codes: ["0000"] }
"#;

const PAY: &str = r#"source: test
summary: Pay.
method: POST
path: /pay
request: PayRequest
codes:
  - { code: "1104", name: MerchantNotFound, description: No such merchant. }
  - { code: "1184", name: AmountTooLarge, description: Too large. }
types:
  PayRequest:
    kind: struct
    description: A payment.
    fields:
      orderId: { type: string, required: true, max_bytes: 100, description: The order. }
"#;

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git").arg("-C").arg(repo).args(args).status().expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn write(repo: &Path, pay: &str) {
    std::fs::create_dir_all(repo.join("spec/shop")).unwrap();
    std::fs::write(repo.join("spec/shop/provider.yaml"), PROVIDER).unwrap();
    std::fs::write(repo.join("spec/shop/pay.yaml"), pay).unwrap();
}

fn commit(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message]);
}

/// A repository whose main has PAY, on a branch that changes a limit, removes a code and adds a field.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), PAY);
    commit(dir.path(), "base");
    git(dir.path(), &["checkout", "-q", "-b", "change"]);
    let changed = PAY
        .replace("max_bytes: 100", "max_bytes: 50")
        .replace("  - { code: \"1184\", name: AmountTooLarge, description: Too large. }\n", "")
        .replace(
            "description: The order. }\n",
            "description: The order. }\n      memo: { type: string, description: A memo. }\n",
        );
    write(dir.path(), &changed);
    commit(dir.path(), "change");
    dir
}

fn spec_diff(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("spec-diff")
        .args(args)
        .current_dir(repo)
        .output()
        .expect("xtask runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn reports_the_three_changes_against_the_merge_base_with_main() {
    let repo = repo();
    let out = spec_diff(repo.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "a verdict and three findings:\n{text}");
    assert!(lines[0].starts_with("major: 2 changes break"), "{text}");
    assert!(lines[1].contains("PayRequest.orderId  limit tightened: max_bytes 100 -> 50"), "{text}");
    assert!(lines[2].contains("code 1184  return code removed"), "{text}");
    assert!(lines[3].starts_with("minor") && lines[3].contains("PayRequest.memo  optional field added"), "{text}");
}

#[test]
fn fail_on_breaking_sets_the_exit_code() {
    let repo = repo();
    assert_eq!(spec_diff(repo.path(), &["--base", "main", "--fail-on", "breaking"]).status.code(), Some(1));
    // Against itself nothing changed: an empty report, exit 0 even with --fail-on.
    let same = spec_diff(repo.path(), &["--base", "HEAD", "--fail-on", "breaking"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), "no changes: the specs mean the same as before\n");
}

#[test]
fn markdown_and_json_for_pull_request_comments() {
    let repo = repo();
    let md = stdout(&spec_diff(repo.path(), &["--base", "main", "--format", "markdown"]));
    assert!(md.starts_with("**Verdict: major**"), "{md}");
    assert!(md.contains("| major | code that builds requests | shop / pay / PayRequest.orderId |"), "{md}");
    assert!(md.contains("Changed generated files (1)") && md.contains("- `generated/src/shop/pay.rs`"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&spec_diff(repo.path(), &["--base", "main", "--format", "json"]))).unwrap();
    assert_eq!(json["verdict"], "major");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["findings"][1]["item"], "code 1184");
    assert_eq!(json["findings"][1]["for"], "errors");
}

#[test]
fn a_malformed_base_names_the_ref_and_the_file() {
    let repo = repo();
    std::fs::write(repo.path().join("spec/shop/pay.yaml"), "source: test\nsummary: [broken\n").unwrap();
    commit(repo.path(), "broken");
    write(repo.path(), PAY);
    let out = spec_diff(repo.path(), &["--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the specs at HEAD do not load"), "{err}");
    assert!(err.contains("spec/shop/pay.yaml:"), "{err}");
}

#[test]
fn bad_arguments_and_unknown_refs_are_clear() {
    let repo = repo();
    let out = spec_diff(repo.path(), &["--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format \"yaml\""));
    let out = spec_diff(repo.path(), &["--base", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read spec/ at no-such-ref"));
}
