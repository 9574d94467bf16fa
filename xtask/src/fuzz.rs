//! `cargo xtask fuzz --seconds N [target...]`: runs the cargo-fuzz targets of `fuzz/` one after the
//! other, each for N seconds on one core, and prints the executions of each.
//!
//! Each target fuzzes a scratch corpus in `fuzz/target/corpus/<target>/`, seeded read-only from the
//! committed `fuzz/corpus/<target>/`, so a run never adds files to the repository. Crashes land in
//! `fuzz/artifacts/<target>/` as cargo-fuzz puts them; the full libFuzzer output of each run is in
//! `fuzz/target/logs/<target>.log`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The cargo-fuzz version the README and the messages below name; any 0.13 works.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub const USAGE: &str = "cargo xtask fuzz [--seconds N] [TARGET...]   (default: every target, 60 s each)";

#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    pub seconds: u64,
    pub targets: Vec<String>,
}

pub fn parse_args(args: &[&str]) -> Result<Options, String> {
    let mut options = Options { seconds: 60, targets: Vec::new() };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--seconds" => {
                let value = rest.next().ok_or_else(|| format!("--seconds needs a value\nusage: {USAGE}"))?;
                options.seconds = value
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("--seconds takes a positive whole number, not {value:?}"))?;
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}\nusage: {USAGE}")),
            target => options.targets.push(target.to_owned()),
        }
    }
    Ok(options)
}

/// What one target's run did.
struct Outcome {
    target: String,
    executions: Option<u64>,
    seconds: f64,
    corpus: Option<String>,
    failure: Option<String>,
}

pub fn run(root: &Path, options: &Options) -> Result<bool, String> {
    let fuzz_dir = root.join("fuzz");
    check_tools(&fuzz_dir)?;
    let available = list_targets(&fuzz_dir)?;
    let targets = if options.targets.is_empty() { available.clone() } else { options.targets.clone() };
    if let Some(unknown) = targets.iter().find(|t| !available.contains(t)) {
        return Err(format!("no fuzz target {unknown:?}; the targets are: {}", available.join(", ")));
    }
    println!("building the fuzz targets with cargo +nightly fuzz build");
    let status = Command::new("cargo")
        .args(["+nightly", "fuzz", "build"])
        .current_dir(&fuzz_dir)
        .status()
        .map_err(|e| format!("cannot run cargo +nightly fuzz build: {e}"))?;
    if !status.success() {
        return Err("cargo +nightly fuzz build failed".into());
    }
    let logs = fuzz_dir.join("target/logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut outcomes = Vec::new();
    for target in &targets {
        println!("fuzzing {target} for {} s", options.seconds);
        let outcome = run_one(&fuzz_dir, &logs, target, options.seconds)?;
        println!("  {}", summary(&outcome));
        outcomes.push(outcome);
    }
    println!("\n{:<22} {:>12} {:>8} {:>10}  result", "target", "executions", "seconds", "per second");
    let mut clean = true;
    for o in &outcomes {
        let execs = o.executions.map_or("?".to_owned(), |e| e.to_string());
        let rate = o.executions.map_or("?".to_owned(), |e| format!("{:.0}", e as f64 / o.seconds.max(0.001)));
        let result = o.failure.clone().unwrap_or_else(|| "ok".to_owned());
        println!("{:<22} {execs:>12} {:>8.0} {rate:>10}  {result}", o.target, o.seconds);
        clean &= o.failure.is_none();
    }
    Ok(clean)
}

fn summary(o: &Outcome) -> String {
    let execs = o.executions.map_or("? executions".to_owned(), |e| format!("{e} executions"));
    let corpus = o.corpus.as_deref().map(|c| format!(", corpus {c}")).unwrap_or_default();
    match &o.failure {
        None => format!("{execs} in {:.0} s{corpus}: no failure", o.seconds),
        Some(failure) => format!("{execs} in {:.0} s: {failure}", o.seconds),
    }
}

fn check_tools(fuzz_dir: &Path) -> Result<(), String> {
    let nightly = Command::new("cargo").args(["+nightly", "--version"]).output();
    if !nightly.is_ok_and(|o| o.status.success()) {
        return Err("cargo xtask fuzz needs the nightly toolchain (cargo-fuzz builds with sanitizers): \
                    rustup toolchain install nightly"
            .into());
    }
    let fuzz = Command::new("cargo").args(["+nightly", "fuzz", "--version"]).current_dir(fuzz_dir).output();
    if !fuzz.is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("cargo-fuzz")) {
        return Err(format!(
            "cargo xtask fuzz needs cargo-fuzz: cargo install cargo-fuzz --version {CARGO_FUZZ_VERSION} --locked"
        ));
    }
    Ok(())
}

fn list_targets(fuzz_dir: &Path) -> Result<Vec<String>, String> {
    let output = Command::new("cargo")
        .args(["+nightly", "fuzz", "list"])
        .current_dir(fuzz_dir)
        .output()
        .map_err(|e| format!("cannot run cargo +nightly fuzz list: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo +nightly fuzz list failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).split_whitespace().map(str::to_owned).collect())
}

fn run_one(fuzz_dir: &Path, logs: &Path, target: &str, seconds: u64) -> Result<Outcome, String> {
    let scratch: PathBuf = fuzz_dir.join("target/corpus").join(target);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let seeds = fuzz_dir.join("corpus").join(target);
    let log_path = logs.join(format!("{target}.log"));
    let log = std::fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["+nightly", "fuzz", "run", target])
        .arg(&scratch)
        .arg(&seeds)
        .args(["--", &format!("-max_total_time={seconds}"), "-print_final_stats=1", "-timeout=30"])
        .current_dir(fuzz_dir)
        .stdout(Stdio::null())
        .stderr(log)
        .status()
        .map_err(|e| format!("cannot run cargo +nightly fuzz run {target}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let executions = stat(&text, "stat::number_of_executed_units:").or_else(|| done_runs(&text));
    let corpus = text.lines().rev().find(|l| l.contains(" corp: ")).and_then(|l| {
        l.split(" corp: ").nth(1).map(|rest| rest.split_whitespace().next().unwrap_or_default().to_owned())
    });
    let failure = (!status.success()).then(|| {
        let artifact = text
            .lines()
            .find_map(|l| l.split("Test unit written to ").nth(1))
            .map(|path| format!("; input in {}", path.trim()))
            .unwrap_or_default();
        format!("FAILED: {}{artifact}; log in {}", cause(&text), log_path.display())
    });
    Ok(Outcome { target: target.to_owned(), executions, seconds: elapsed.min(seconds as f64 + 5.0), corpus, failure })
}

/// The first line that says what went wrong, with the panic message after a `panicked at` line.
fn cause(log: &str) -> String {
    let mut lines = log.lines();
    while let Some(line) = lines.next() {
        if line.contains("panicked at") {
            let location = line.split("panicked at ").nth(1).unwrap_or_default().trim_end_matches(':');
            return format!("panic at {location}: {}", lines.next().unwrap_or_default().trim());
        }
        if line.contains("ERROR: libFuzzer") || line.contains("ERROR: AddressSanitizer") {
            return line.trim().to_owned();
        }
    }
    "the run failed".to_owned()
}

/// `stat::number_of_executed_units: 123`, as `-print_final_stats=1` prints it.
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| l.trim().strip_prefix(name)).and_then(|v| v.trim().parse().ok())
}

/// `Done 123 runs in 10 second(s)`.
fn done_runs(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| l.strip_prefix("Done ")).and_then(|r| r.split_whitespace().next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        assert_eq!(parse_args(&[]), Ok(Options { seconds: 60, targets: vec![] }));
        assert_eq!(
            parse_args(&["--seconds", "10", "spec", "alipay_keys"]),
            Ok(Options { seconds: 10, targets: vec!["spec".into(), "alipay_keys".into()] })
        );
        assert!(parse_args(&["--seconds"]).is_err());
        assert!(parse_args(&["--seconds", "0"]).is_err());
        assert!(parse_args(&["--jobs", "2"]).is_err());
    }

    #[test]
    fn reads_libfuzzer_statistics() {
        let log = "#2\tINITED cov: 10 ft: 12 corp: 5/1kb exec/s: 0\nDone 4567 runs in 10 second(s)\n\
                   stat::number_of_executed_units: 4568\nstat::average_exec_per_sec:     456\n";
        assert_eq!(stat(log, "stat::number_of_executed_units:"), Some(4568));
        assert_eq!(done_runs(log), Some(4567));
    }

    #[test]
    fn names_the_cause_of_a_failure() {
        let panic = "INFO: x\nthread '<unnamed>' (1) panicked at fuzz-targets/src/a.rs:1:2:\nboom\nstack backtrace:\n";
        assert_eq!(cause(panic), "panic at fuzz-targets/src/a.rs:1:2: boom");
        let timeout = "==1== ERROR: libFuzzer: timeout after 30 seconds\n";
        assert_eq!(cause(timeout), "==1== ERROR: libFuzzer: timeout after 30 seconds");
        assert_eq!(cause(""), "the run failed");
    }
}
