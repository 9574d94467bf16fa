//! spec-diff's semver verdict, checked by a tool nobody here wrote: for every before/after pair of
//! the spec-diff tests (`codegen/tests/pairs/`), the generated crate is built on both sides, rustdoc
//! writes its API as JSON, and cargo-semver-checks compares them as a minor release. Where spec-diff
//! says major, cargo-semver-checks must find a major change; where it says minor or patch, none. The
//! pairs where the two cannot agree are listed in `EXPLAINED`, each with the reason; an explained
//! pair that starts to agree fails too, so the list stays true.
//!
//! Runs when `cargo semver-checks --version` is `CSC_VERSION`; otherwise it says so and passes,
//! unless `PAYSPEC_REQUIRE_SEMVER_CHECKS=1` (set by the workflow that installs it) makes that a
//! failure. Install: `cargo install --locked cargo-semver-checks --version 0.51.0`.

#[path = "../../codegen/tests/pairs/mod.rs"]
mod pairs;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use payspec_codegen::specdiff::{Bump, diff};
use payspec_codegen::{ProviderSource, generate, load_sources};

/// The pinned version: the README, the workflow and this test name the same one.
const CSC_VERSION: &str = "0.51.0";

/// Pairs whose spec-diff verdict no comparison of two APIs can confirm, and why.
const EXPLAINED: &[(&str, &str)] = &[
    (
        "request limit added",
        "a new limit changes what `validate()` accepts, not a signature: a behaviour break that no API \
         comparison sees",
    ),
    ("url format added", "a URL format tightens what `validate()` accepts; the API is the same"),
    (
        "amount rules added",
        "an exclusive minimum, minor units and a positive-integer format tighten what `validate()` accepts; \
         the API is the same",
    ),
    (
        "first success code added",
        "the client method now returns `(Outcome, Response)`: a changed return type, which cargo-semver-checks \
         does not compare",
    ),
    ("sum rule gains a term", "a sum rule with one more term changes what `validate()` accepts; the API is the same"),
    ("constraint added", "an at-least-one-of constraint changes what `validate()` accepts; the API is the same"),
    (
        "field type changed",
        "`new(amount: i64)` becomes `new(amount: impl Into<Decimal>)` and the field's type changes; \
         cargo-semver-checks has no lint for a changed parameter or field type",
    ),
    (
        "auth scheme changed",
        "`Client::new` takes a `Config` of other credentials: a changed parameter type again, which \
         cargo-semver-checks does not compare",
    ),
];

struct Row {
    name: &'static str,
    spec_diff: &'static str,
    csc_major: bool,
    lints: Vec<String>,
}

fn installed() -> Option<String> {
    let out = Command::new(cargo()).args(["semver-checks", "--version"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The generated crate of one side, as its own package beside the workspace's lock file.
fn write_crate(dir: &Path, files: &pairs::Files) {
    let source = ProviderSource {
        folder: "shop".into(),
        files: files.iter().map(|(name, text)| (name.to_string(), text.clone())).collect(),
    };
    let model = load_sources("spec", vec![source]).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(dir);
    for file in generate(&model).expect("generate") {
        if file.path.starts_with("src/") || file.path == "README.md" {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
            std::fs::write(path, file.contents).expect("write");
        }
    }
    let runtime = root().join("runtime");
    let manifest = format!(
        "[package]\nname = \"payspec\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[features]\ndefault = [\"shop\"]\nshop = []\n\n\
         [dependencies]\npayspec-runtime = {{ path = {runtime:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\n[workspace]\n",
        runtime = runtime.display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy the lock file");
}

/// rustdoc's JSON of the crate in `dir`, copied to `out`. All sides share one target folder, so
/// the dependencies are checked once.
fn rustdoc_json(dir: &Path, target: &Path, out: &Path) {
    let status = Command::new(cargo())
        .current_dir(dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target)
        .args(["rustdoc", "--quiet", "--lib", "--", "-Z", "unstable-options", "--output-format", "json"])
        .status()
        .expect("run cargo rustdoc");
    assert!(status.success(), "rustdoc JSON of {}", dir.display());
    std::fs::copy(target.join("doc/payspec.json"), out).expect("copy the rustdoc JSON");
}

fn compare(base: &Path, change: &Path) -> (bool, Vec<String>) {
    let out = Command::new(cargo())
        .args(["semver-checks", "--release-type", "minor", "--baseline-rustdoc"])
        .arg(base)
        .arg("--current-rustdoc")
        .arg(change)
        .output()
        .expect("run cargo semver-checks");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .map(|l| l.split(':').next().unwrap_or(l).trim().to_owned())
        .collect();
    let major = !out.status.success();
    assert!(!major || !lints.is_empty(), "cargo semver-checks failed without naming a lint:\n{text}");
    (major, lints)
}

#[test]
fn cargo_semver_checks_agrees_with_spec_diff_on_every_pair() {
    match installed() {
        Some(version) if version.ends_with(CSC_VERSION) => {}
        found => {
            let why = match found {
                Some(v) => format!("{v} is installed, this test pins {CSC_VERSION}"),
                None => "cargo-semver-checks is not installed".to_owned(),
            };
            assert!(
                std::env::var_os("PAYSPEC_REQUIRE_SEMVER_CHECKS").is_none(),
                "PAYSPEC_REQUIRE_SEMVER_CHECKS is set, but {why}"
            );
            // Straight to stderr, past the test harness's capture, so that every run shows it.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED cargo_semver_checks_agrees_with_spec_diff_on_every_pair: {why}; \
                 run `cargo install --locked cargo-semver-checks --version {CSC_VERSION}`"
            );
            return;
        }
    }
    let work = root().join("target/semver-agreement");
    let target = work.join("target");
    let mut rows = Vec::new();
    for (i, pair) in pairs::pairs().into_iter().enumerate() {
        let dir = work.join(format!("pair-{i:02}"));
        let load = |files: &pairs::Files| {
            let source = ProviderSource {
                folder: "shop".into(),
                files: files.iter().map(|(name, text)| (name.to_string(), text.clone())).collect(),
            };
            load_sources("spec", vec![source]).unwrap_or_else(|e| panic!("{e}"))
        };
        let spec_diff = match diff(&load(&pair.before), &load(&pair.after)).verdict() {
            Some(Bump::Major) => "major",
            Some(Bump::Minor) => "minor",
            Some(Bump::Patch) => "patch",
            None => "none",
        };
        for (side, files) in [("base", &pair.before), ("change", &pair.after)] {
            write_crate(&dir.join(side), files);
            rustdoc_json(&dir.join(side), &target, &dir.join(format!("{side}.json")));
        }
        let (csc_major, lints) = compare(&dir.join("base.json"), &dir.join("change.json"));
        rows.push(Row { name: pair.name, spec_diff, csc_major, lints });
    }

    let mut problems = Vec::new();
    println!("| pair | spec-diff | cargo-semver-checks (as a minor release) | agree |");
    println!("|---|---|---|---|");
    for row in &rows {
        let agree = (row.spec_diff == "major") == row.csc_major;
        let explained = EXPLAINED.iter().find(|(name, _)| *name == row.name).map(|(_, why)| *why);
        let csc = if row.csc_major { format!("major: {}", row.lints.join(", ")) } else { "no major change".into() };
        let verdict = match (agree, explained) {
            (true, None) => "yes".to_owned(),
            (false, Some(why)) => format!("no, explained: {why}"),
            (true, Some(_)) => {
                problems.push(format!("{}: the tools agree now; remove it from EXPLAINED", row.name));
                "yes, but listed as explained".to_owned()
            }
            (false, None) => {
                problems
                    .push(format!("{}: spec-diff says {}, cargo-semver-checks says {csc}", row.name, row.spec_diff));
                "NO".to_owned()
            }
        };
        println!("| {} | {} | {csc} | {verdict} |", row.name, row.spec_diff);
    }
    assert!(problems.is_empty(), "spec-diff and cargo-semver-checks disagree:\n{}", problems.join("\n"));
}
