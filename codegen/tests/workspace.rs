//! The guarantees of `cargo xtask codegen`: nothing is written unless every spec checks clean, and
//! `--check` fails with a diff that names the command that fixes it.

use std::fs;
use std::path::Path;

use payspec_codegen::workspace::{FIX_COMMAND, Job, JobError, Mode, run};

const PROVIDER: &str = "provider: shop\ntitle: Shop\nsource: test\nbase_urls: { production: https://shop.example }\n\
                        auth: line_pay_hmac_sha256\nenvelope: { kind: line_pay, success_codes: [\"0000\"] }\n";
const OPERATION: &str = "source: test\nsummary: Ping.\nmethod: GET\npath: /ping\n\
                         codes:\n  - { code: \"9000\", name: InternalError, description: An internal error. }\n";

fn job(root: &Path) -> Job {
    fs::create_dir_all(root.join("spec/shop")).unwrap();
    fs::write(root.join("spec/shop/provider.yaml"), PROVIDER).unwrap();
    fs::write(root.join("spec/shop/ping.yaml"), OPERATION).unwrap();
    Job {
        spec_dir: root.join("spec"),
        display: "spec".into(),
        out_dir: root.join("out"),
        sources_only: false,
        openapi_dir: Some(root.join("openapi")),
    }
}

fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        files.push((entry.strip_prefix(dir).unwrap().display().to_string(), fs::read_to_string(&entry).unwrap()));
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .flat_map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() { walk(&path) } else { vec![path] }
        })
        .collect()
}

#[test]
fn a_broken_spec_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let job = job(tmp.path());
    assert!(run(&job, Mode::Write).unwrap() > 0);
    let before = snapshot(&job.out_dir);

    // One good edit and one broken file: neither may reach the output.
    fs::write(tmp.path().join("spec/shop/ping.yaml"), OPERATION.replace("Ping.", "Ping the shop.")).unwrap();
    fs::write(tmp.path().join("spec/shop/broken.yaml"), "source: test\nsummary: [oops\n").unwrap();
    let err = run(&job, Mode::Write).unwrap_err();
    assert!(matches!(err, JobError::Load(_)), "{err}");
    assert!(err.to_string().contains("spec/shop/broken.yaml:"), "{err}");
    assert_eq!(snapshot(&job.out_dir), before);
    let mut siblings: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    siblings.sort();
    assert_eq!(siblings, ["openapi", "out", "spec"], "no staging folder is left behind");
}

#[test]
fn check_reports_a_diff_and_the_fix_command() {
    let tmp = tempfile::tempdir().unwrap();
    let job = job(tmp.path());
    assert!(matches!(run(&job, Mode::Check), Err(JobError::Stale(_))), "a missing output is stale");
    run(&job, Mode::Write).unwrap();
    assert_eq!(run(&job, Mode::Check).unwrap(), 0);

    fs::write(tmp.path().join("spec/shop/ping.yaml"), OPERATION.replace("Ping.", "Ping the shop.")).unwrap();
    let err = run(&job, Mode::Check).unwrap_err().to_string();
    assert!(err.contains("-//! Ping.") && err.contains("+//! Ping the shop."), "{err}");
    assert!(err.contains(FIX_COMMAND), "{err}");

    // A hand edit of generated code is caught the same way.
    run(&job, Mode::Write).unwrap();
    let generated = tmp.path().join("out/src/shop/ping.rs");
    let text = fs::read_to_string(&generated).unwrap();
    fs::write(&generated, text.replace("GET", "POST")).unwrap();
    assert!(run(&job, Mode::Check).unwrap_err().to_string().contains("src/shop/ping.rs: differs"));

    // The OpenAPI export comes from the same model and is checked in the same run, as is each
    // stale folder: both are reported, not just the first.
    let export = tmp.path().join("openapi/shop.json");
    let json = fs::read_to_string(&export).unwrap();
    fs::write(&export, json.replace('}', "} ")).unwrap();
    let err = run(&job, Mode::Check).unwrap_err();
    let JobError::Stale(dirs) = &err else { panic!("expected stale folders, got {err}") };
    let stale: Vec<_> = dirs.iter().map(|d| d.out_dir.file_name().unwrap().to_str().unwrap()).collect();
    assert_eq!(stale, ["out", "openapi"], "{err}");
    assert!(err.to_string().contains("shop.json: differs"), "{err}");
    assert_eq!(run(&job, Mode::Write).unwrap(), 2);
    assert_eq!(run(&job, Mode::Check).unwrap(), 0);
}

/// Each provider feature turns on the runtime features its spec calls into, and no others: its
/// protocol (from `auth` and the envelope), the regex engine only when a limit has a `pattern`, and
/// `DateTime` only when a field has `format: datetime`.
/// Receivers and example support are asked for only when some spec has notifications or examples.
#[test]
fn each_provider_turns_on_only_the_runtime_features_it_needs() {
    use payspec_codegen::{ProviderSource, load_sources};
    let source = |folder: &str, provider: String, operation: String| ProviderSource {
        folder: folder.into(),
        files: vec![
            ("provider.yaml".into(), provider.replace("provider: shop", &format!("provider: {folder}"))),
            ("ping.yaml".into(), operation),
        ],
    };
    let patterned = OPERATION.replace(
        "path: /ping\n",
        "path: /ping/{id}\npath_params:\n  id: { type: string, pattern: \"^[a-z]+$\", description: An id. }\n\
         query:\n  since: { type: string, format: datetime, description: From when. }\n",
    );
    let keyed = PROVIDER.replace("auth: line_pay_hmac_sha256", "auth: elepay_secret_key").replace(
        "envelope: { kind: line_pay, success_codes: [\"0000\"] }",
        "envelope: { kind: http_status, error_body: Failure, code_field: code }\n\
         types:\n  Failure:\n    kind: struct\n    description: An error.\n    fields:\n      \
         code: { type: string, required: true, description: The code. }\n",
    );
    let model = load_sources(
        "spec",
        vec![
            source("keyed", keyed, OPERATION.into()),
            source("plain", PROVIDER.into(), OPERATION.into()),
            source("strict", PROVIDER.into(), patterned),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let files = payspec_codegen::generate(&model).expect("emits");
    let manifest = &files.iter().find(|f| f.path == "Cargo.toml").expect("a manifest").contents;
    assert!(manifest.contains("\nkeyed = [\"payspec-runtime/elepay\"]\n"), "{manifest}");
    assert!(manifest.contains("\nplain = [\"payspec-runtime/line_pay\"]\n"), "{manifest}");
    assert!(
        manifest.contains(
            "\nstrict = [\"payspec-runtime/datetime\", \"payspec-runtime/line_pay\", \"payspec-runtime/pattern\"]\n"
        ),
        "{manifest}"
    );
    let runtime = format!(
        "payspec-runtime = {{ version = \"{}\", path = \"../runtime\", default-features = false }}",
        payspec_codegen::emit::VERSION
    );
    assert!(manifest.contains(&runtime), "{manifest}");
    assert!(!manifest.contains("receivers"), "no spec has notifications: {manifest}");
    assert!(!manifest.contains("[dev-dependencies]"), "no spec has examples: {manifest}");
    let lib = &files.iter().find(|f| f.path == "src/lib.rs").expect("a lib.rs").contents;
    assert!(
        lib.contains("#[cfg(any(feature = \"plain\", feature = \"strict\"))]\n    pub use payspec_runtime::handlers::LinePayRecovery;"),
        "{lib}"
    );
    assert!(lib.contains("#[cfg(feature = \"strict\")]\npub use payspec_runtime::DateTime;"), "{lib}");
}
