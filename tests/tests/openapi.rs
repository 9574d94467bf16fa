//! The OpenAPI export (`openapi/<provider>.json`, written by `cargo xtask codegen`) checked by
//! something nobody here wrote: `openapi-spec-validator` from PyPI, pinned in `.ci/requirements.txt`.
//! The test skips, saying so, only where `python3` itself is absent; with Python but without the
//! validator it installs the pinned version into `target/python-tools` (pip, from PyPI) first, so
//! `cargo test --workspace` needs nothing installed by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the workspace")
}

fn exports() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("openapi"))
        .expect("openapi/ exists: run `cargo xtask codegen`")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn there_is_one_export_per_provider() {
    let names: Vec<String> =
        exports().iter().map(|p| p.file_stem().unwrap_or_default().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["alipayplus", "elepay", "linepay"]);
}

#[test]
fn every_export_passes_openapi_spec_validator() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so openapi-spec-validator cannot check openapi/*.json");
        return;
    }
    let tools = root().join("target/python-tools");
    let python = || {
        let mut command = Command::new("python3");
        command.env("PYTHONPATH", &tools);
        command
    };
    let installed =
        || python().args(["-c", "import openapi_spec_validator"]).output().is_ok_and(|o| o.status.success());
    if !installed() {
        let requirements = root().join(".ci/requirements.txt");
        let out = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&tools)
            .arg("-r")
            .arg(&requirements)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success() && installed(),
            "could not install the pinned openapi-spec-validator ({}) into {}: {}",
            requirements.display(),
            tools.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    for file in exports() {
        let out = python().args(["-m", "openapi_spec_validator"]).arg(&file).output().expect("runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.contains(": OK"), "{} is not valid OpenAPI:\n{text}", file.display());
    }
}

#[test]
fn exports_declare_openapi_3_1_and_the_envelopes() {
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(root().join("openapi").join(name)).expect("export");
        serde_json::from_str(&text).expect("JSON")
    };
    let elepay = read("elepay.json");
    assert_eq!(elepay["openapi"], "3.1.0");
    let create = &elepay["paths"]["/charges"]["post"]["responses"];
    assert_eq!(create["201"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Charge");
    assert!(create.get("200").is_none(), "create charge answers 201, not 200");
    assert_eq!(create["400"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody");
    let capture = &elepay["paths"]["/charges/{id}/capture"]["post"]["responses"];
    assert!(capture.get("200").is_some());

    let linepay = read("linepay.json");
    let ok = &linepay["paths"]["/v3/payments/authorizations/{transactionId}/capture"]["post"]["responses"]["200"];
    let body = &ok["content"]["application/json"]["schema"];
    assert_eq!(body["required"], serde_json::json!(["returnCode", "returnMessage"]));
    assert_eq!(body["properties"]["info"]["$ref"], "#/components/schemas/CaptureInfo");
    let codes: Vec<&str> =
        ok["x-payspec-codes"].as_array().expect("codes").iter().filter_map(|c| c["code"].as_str()).collect();
    assert!(codes.contains(&"1198") && codes.contains(&"1184"), "{codes:?}");
    let unknown = ok["x-payspec-codes"].as_array().unwrap().iter().find(|c| c["code"] == "1198").unwrap();
    assert_eq!(unknown["outcomeUnknown"], true);

    let alipay = read("alipayplus.json");
    let body =
        &alipay["paths"]["/v2/payments/capture"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(body["allOf"][0]["properties"]["result"]["$ref"], "#/components/schemas/Result");
    assert_eq!(body["allOf"][1]["$ref"], "#/components/schemas/CaptureResponse");
    assert_eq!(
        alipay["components"]["schemas"]["Result"]["properties"]["resultStatus"]["enum"],
        serde_json::json!(["S", "A", "F", "U"])
    );
}
