//! `cargo xtask`: maintainer commands for payspec.
//!
//! - `cargo xtask codegen` regenerates `generated/` (and the snapshot fixtures) from the specs.
//! - `cargo xtask codegen --check` changes nothing and fails, with a diff, when any output is stale.
//! - `cargo xtask spec-diff` reports what a spec change means for the crate's users.
//! - `cargo xtask package-check` packages the published crates and builds a fresh project on them.

mod package_check;
mod spec_diff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use payspec_codegen::workspace::{self, Mode};

const USAGE: &str = "usage: cargo xtask codegen [--check]\n       cargo xtask spec-diff [--base GIT-REF] [--format markdown|json|text] [--fail-on breaking]\n       cargo xtask package-check";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(Mode::Write),
        ["codegen", "--check"] => codegen(Mode::Check),
        ["spec-diff", rest @ ..] => spec_diff(rest),
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
        let shown = job.out_dir.strip_prefix(&root).unwrap_or(&job.out_dir).display().to_string();
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
