//! `cargo xtask`: maintainer commands for payspec.
//!
//! - `cargo xtask codegen` regenerates `generated/` (and the snapshot fixtures) from the specs.
//! - `cargo xtask codegen --check` changes nothing and fails, with a diff, when any output is stale.
//! - `cargo xtask openapi [--check]` writes (or checks) only the OpenAPI export, `openapi/<provider>.json`;
//!   `codegen` writes it too.
//! - `cargo xtask spec-diff` reports what a spec change means for the crate's users.
//! - `cargo xtask upstream-diff [--provider elepay] [--upstream FILE]` compares the OpenAPI export with
//!   the provider's own OpenAPI file (default: elepay's 1.2.5 in `../shared/provider-docs/`).
//! - `cargo xtask fuzz --seconds N [target...]` runs the cargo-fuzz targets (nightly) for N seconds each.

//! - `cargo xtask package-check` packages the published crates and builds a fresh project on them.

mod fuzz;
mod package_check;
mod spec_diff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use payspec_codegen::workspace::{self, Mode};

const USAGE: &str = "usage: cargo xtask codegen [--check]\n       cargo xtask openapi [--check]\n       cargo xtask upstream-diff [--provider elepay] [--upstream FILE]\n       cargo xtask spec-diff [--base GIT-REF] [--format markdown|json|text] [--fail-on breaking]\n       cargo xtask fuzz [--seconds N] [TARGET...]\n       cargo xtask package-check";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(Mode::Write),
        ["codegen", "--check"] => codegen(Mode::Check),
        ["openapi"] => openapi(Mode::Write),
        ["openapi", "--check"] => openapi(Mode::Check),
        ["spec-diff", rest @ ..] => spec_diff(rest),
        ["upstream-diff", rest @ ..] => upstream_diff(rest),
        ["fuzz", rest @ ..] => fuzz(rest),
        ["package-check"] => report(package_check::package_check(&root(), payspec_codegen::emit::VERSION)),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn spec_diff(args: &[&str]) -> ExitCode {
    let options = match spec_diff::parse_args(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = spec_diff::repo_root().and_then(|repo| spec_diff::run(&repo, &options));
    match result {
        Ok((report, breaking)) => {
            print!("{report}");
            if breaking && options.fail_on_breaking { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn upstream_diff(args: &[&str]) -> ExitCode {
    let root = root();
    let (mut provider, mut upstream) = ("elepay".to_owned(), None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (*arg, rest.next()) {
            ("--provider", Some(p)) => provider = (*p).to_owned(),
            ("--upstream", Some(f)) => upstream = Some(PathBuf::from(f)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let upstream = upstream.unwrap_or_else(|| root.join("../shared/provider-docs/elepay-openapi-1.2.5.yaml"));
    let run = || -> Result<String, String> {
        let model = payspec_codegen::load_dir(&root.join("spec"), "spec").map_err(|e| e.to_string())?;
        let p = model.providers.iter().find(|p| p.name == provider).ok_or(format!("no provider {provider}"))?;
        let ours = payspec_codegen::openapi::document(p);
        let text =
            std::fs::read_to_string(&upstream).map_err(|e| format!("cannot read {}: {e}", upstream.display()))?;
        let theirs =
            payspec_codegen::upstream::parse_document(&text).map_err(|e| format!("{}:{e}", upstream.display()))?;
        let findings = payspec_codegen::upstream::compare(&ours, &theirs);
        Ok(format!(
            "{provider}: payspec's export vs {}\n{}",
            upstream.display(),
            payspec_codegen::upstream::report(&findings)
        ))
    };
    match run() {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn fuzz(args: &[&str]) -> ExitCode {
    let options = match fuzz::parse_args(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match fuzz::run(&root(), &options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: a fuzz target failed; copy its input into fuzz/findings/<target>/ once fixed");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn codegen(mode: Mode) -> ExitCode {
    let root = root();
    let jobs = match workspace::jobs(&root) {
        Ok(jobs) => jobs,
        Err(e) => {
            eprintln!("error: cannot list the spec folders: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    let verb = match mode {
        Mode::Write => "regenerating",
        Mode::Check => "checking",
    };
    println!("codegen: {verb} {} output folder(s) from their specs", jobs.len());
    for job in &jobs {
        let relative = |dir: &Path| dir.strip_prefix(&root).unwrap_or(dir).display().to_string();
        let mut shown = relative(&job.out_dir);
        if let Some(dir) = &job.openapi_dir {
            shown = format!("{shown} and {}", relative(dir));
        }
        let started = std::time::Instant::now();
        let took = || format!("{:.1} s", started.elapsed().as_secs_f64());
        match workspace::run(job, mode) {
            Ok(0) => println!("{shown}: up to date ({}, from {})", took(), job.display),
            Ok(n) => println!("{shown}: {n} file(s) written ({}, from {})", took(), job.display),
            Err(e) => {
                eprintln!("error: {shown}:\n{e}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn openapi(mode: Mode) -> ExitCode {
    match workspace::openapi(&root(), mode) {
        Ok(0) => println!("openapi: up to date"),
        Ok(n) => println!("openapi: {n} file(s) written"),
        Err(e) => {
            eprintln!("error: openapi:\n{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
