//! A one-line spec change regenerates exactly the lines it should: reviewers can trust that a small
//! spec diff means a small, predictable change to the crate.

use std::collections::BTreeMap;
use std::path::Path;

use payspec_codegen::{generate, load_dir};

/// The generated crate for a copy of spec/ with `edit` applied to one file (`provider/file.yaml`).
fn generate_with(file: &str, edit: impl Fn(&str) -> String) -> BTreeMap<String, String> {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let tmp = tempfile::tempdir().unwrap();
    for provider in std::fs::read_dir(&spec).unwrap() {
        let provider = provider.unwrap().path();
        if !provider.is_dir() {
            continue;
        }
        let target = tmp.path().join(provider.file_name().unwrap());
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(&provider).unwrap() {
            let path = entry.unwrap().path();
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.ends_with(file) {
                let edited = edit(&text);
                assert!(edited != text, "the edit of {file} changed nothing");
                text = edited;
            }
            std::fs::write(target.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    let model = load_dir(tmp.path(), "spec").unwrap_or_else(|e| panic!("{e}"));
    generate(&model).unwrap().into_iter().map(|f| (f.path, f.contents)).collect()
}

/// Per changed file: the lines removed and the lines added (trimmed), in order.
fn changes(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out = BTreeMap::new();
    for (path, new) in after {
        let old = before.get(path).map(String::as_str).unwrap_or("");
        if old == new {
            continue;
        }
        let diff = similar::TextDiff::from_lines(old, new);
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        for change in diff.iter_all_changes() {
            let line = change.value().trim().to_owned();
            match change.tag() {
                similar::ChangeTag::Delete => removed.push(line),
                similar::ChangeTag::Insert => added.push(line),
                similar::ChangeTag::Equal => {}
            }
        }
        out.insert(path.clone(), (removed, added));
    }
    assert!(before.keys().all(|k| after.contains_key(k)), "no file disappears");
    out
}

fn unchanged() -> BTreeMap<String, String> {
    generate_with("linepay/pay_preapproved.yaml", |t| t.replacen("timeout_seconds: 20", "timeout_seconds: 20 ", 1))
}

#[test]
fn changing_one_byte_limit_changes_its_doc_line_and_its_rule() {
    let before = unchanged();
    let after = generate_with("linepay/pay_preapproved.yaml", |t| t.replacen("max_bytes: 100", "max_bytes: 120", 1));
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let expected = BTreeMap::from([(
        "src/linepay/pay_preapproved.rs".to_string(),
        (
            lines(&["/// At most 100 bytes (UTF-8).", "max_bytes: Some(100),"]),
            lines(&["/// At most 120 bytes (UTF-8).", "max_bytes: Some(120),"]),
        ),
    )]);
    assert_eq!(changes(&before, &after), expected);
}

#[test]
fn adding_one_code_adds_its_variant_and_match_arms_only() {
    let before = unchanged();
    let after = generate_with("linepay/capture.yaml", |t| {
        t.replacen(
            "  - \"9000\"\n",
            "  - \"9000\"\n  - code: \"1301\"\n    name: SettlementLocked\n    description: The day's settlement is locked.\n",
            1,
        )
    });
    let added = [
        "/// `1301`: The day's settlement is locked.",
        "SettlementLocked,",
        "\"1301\",",
        "\"1301\" => Self::SettlementLocked,",
        "Self::SettlementLocked => \"1301\",",
        "Self::SettlementLocked => Some(\"The day's settlement is locked.\"),",
    ];
    let expected = BTreeMap::from([(
        "src/linepay/capture.rs".to_string(),
        (Vec::<String>::new(), added.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
    )]);
    assert_eq!(changes(&before, &after), expected);
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(unchanged(), unchanged());
}
