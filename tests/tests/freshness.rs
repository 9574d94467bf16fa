//! `generated/`, every fixture snapshot and the OpenAPI export (`openapi/`) must be exactly what the specs produce, so that `cargo test`
//! catches a spec edit that was not regenerated, or a hand edit of generated code.

use std::path::Path;

use payspec_codegen::workspace::{self, Mode};

#[test]
fn generated_code_matches_the_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the workspace");
    let jobs = workspace::jobs(root).expect("spec folders can be listed");
    assert!(jobs.len() > 1, "expected generated/ and the fixtures, found {} job(s)", jobs.len());
    assert!(jobs[0].openapi_dir.is_some(), "the spec job also checks the OpenAPI export");
    let stale: Vec<String> =
        jobs.iter().filter_map(|job| workspace::run(job, Mode::Check).err()).map(|e| e.to_string()).collect();
    assert!(stale.is_empty(), "\n{}", stale.join("\n\n"));
}
