//! The stable replay of the fuzz corpora: every file of `fuzz/corpus/<target>/` (the committed seeds
//! and whatever a maintainer kept from a fuzz run) and of `fuzz/findings/<target>/` (the inputs of
//! fixed findings, kept as regression tests) goes through the same target body cargo-fuzz runs, so
//! `cargo test --workspace` checks them without nightly. `fuzz/corpus-findings/` holds reproducers
//! of open findings in code this branch does not own; they are not replayed (a stack overflow would
//! abort the whole test binary) until fixed, when they move to `fuzz/findings/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use payspec_fuzz_targets::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn every_corpus_and_finding_replays_without_a_failure() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let seeds = files(&fuzz_dir().join("corpus").join(name));
        assert!(seeds.len() >= 5, "fuzz/corpus/{name} has {} files; seed it", seeds.len());
        for path in seeds.iter().chain(&files(&fuzz_dir().join("findings").join(name))) {
            let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(&data))) {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{}: {message}", path.display()));
            }
            replayed += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {replayed} inputs fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_target_has_a_cargo_fuzz_binary() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for (name, _) in TARGETS {
        assert!(manifest.contains(&format!("name = \"{name}\"")), "fuzz/Cargo.toml has no [[bin]] {name}");
        let source = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        assert!(text.contains(&format!("payspec_fuzz_targets::{name}(")), "{} calls {name}", source.display());
    }
    let binaries = manifest.matches("[[bin]]").count();
    assert_eq!(binaries, TARGETS.len(), "fuzz/Cargo.toml has a [[bin]] for a target TARGETS does not list");
}
