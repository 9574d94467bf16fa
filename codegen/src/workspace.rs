//! What `cargo xtask codegen` regenerates: the `payspec` crate and the OpenAPI export from `spec/`,
//! and each snapshot fixture under `tests/fixtures/` from its own small spec. Both the xtask and the
//! freshness tests call [`run`], so "stale" means the same thing everywhere.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::emit::generate_each;
pub use crate::files::Mode;
use crate::files::{FileDiff, Output};
use crate::{EmitError, LoadError, load_dir};

/// The command that brings every output up to date.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// One spec tree and the folder generated from it.
#[derive(Debug, Clone)]
pub struct Job {
    pub spec_dir: PathBuf,
    /// How messages name `spec_dir`, relative to the workspace root.
    pub display: String,
    pub out_dir: PathBuf,
    /// Fixtures keep only `src/`: they are compiled as modules of the test crate, not as crates.
    pub sources_only: bool,
    /// Where the OpenAPI export of the same specs goes (`openapi/`), written from the same model.
    pub openapi_dir: Option<PathBuf>,
}

/// The jobs of the workspace at `root`: `generated/` first, then the fixtures in name order.
pub fn jobs(root: &Path) -> std::io::Result<Vec<Job>> {
    let mut jobs = vec![Job {
        spec_dir: root.join("spec"),
        display: "spec".into(),
        out_dir: root.join("generated"),
        sources_only: false,
        openapi_dir: Some(root.join("openapi")),
    }];
    let fixtures = root.join("tests/fixtures");
    if fixtures.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(&fixtures)?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("spec").is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let dir = fixtures.join(&name);
            jobs.push(Job {
                spec_dir: dir.join("spec"),
                display: format!("tests/fixtures/{name}/spec"),
                out_dir: dir.join("expected"),
                sources_only: true,
                openapi_dir: None,
            });
        }
    }
    Ok(jobs)
}

#[derive(Debug)]
pub enum JobError {
    Load(LoadError),
    Emit(EmitError),
    Io(std::io::Error),
    /// Check mode found differences: each stale output folder with its files' diffs.
    Stale(Vec<StaleDir>),
}

/// One output folder that differs from what its specs produce.
#[derive(Debug)]
pub struct StaleDir {
    pub out_dir: PathBuf,
    pub diffs: Vec<FileDiff>,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Load(e) => e.fmt(f),
            JobError::Emit(e) => e.fmt(f),
            JobError::Io(e) => write!(f, "cannot write the generated files: {e}"),
            JobError::Stale(dirs) => {
                for StaleDir { out_dir, diffs } in dirs {
                    for d in diffs {
                        write!(f, "{d}")?;
                    }
                    writeln!(
                        f,
                        "{} is stale: {} file(s) differ from what the specs produce.",
                        out_dir.display(),
                        diffs.len()
                    )?;
                }
                write!(f, "Run `{FIX_COMMAND}` and commit the result.")
            }
        }
    }
}

impl std::error::Error for JobError {}

impl From<EmitError> for JobError {
    fn from(e: EmitError) -> Self {
        JobError::Emit(e)
    }
}

/// Generates one job's files (and its OpenAPI export, from the same model) and writes them,
/// returning how many changed, or checks them. Each file is compared (and, when writing, staged) as
/// soon as it is rendered, so the run never holds the whole crate's text.
pub fn run(job: &Job, mode: Mode) -> Result<usize, JobError> {
    let model = load_dir(&job.spec_dir, &job.display).map_err(JobError::Load)?;
    let crate_files = Output::begin(&job.out_dir, mode).map_err(JobError::Io)?;
    generate_each(&model, &|_, file| {
        if job.sources_only && !file.path.starts_with("src/") {
            return Ok(());
        }
        crate_files.accept(file).map_err(JobError::Io)
    })?;
    let mut outputs = vec![crate_files];
    if let Some(dir) = &job.openapi_dir {
        outputs.push(Output::of(dir, mode, crate::openapi::generate(&model)).map_err(JobError::Io)?);
    }
    settle(outputs, mode)
}

/// Writes (or checks) `openapi/<provider>.json` under `root` from the specs in `root/spec`: the OpenAPI
/// export alone, for `cargo xtask openapi`.
pub fn openapi(root: &Path, mode: Mode) -> Result<usize, JobError> {
    let model = load_dir(&root.join("spec"), "spec").map_err(JobError::Load)?;
    let export = Output::of(&root.join("openapi"), mode, crate::openapi::generate(&model)).map_err(JobError::Io)?;
    settle(vec![export], mode)
}

/// Finishes each folder (all-or-nothing per folder), or reports every stale folder at once.
fn settle(outputs: Vec<Output>, mode: Mode) -> Result<usize, JobError> {
    let mut written = 0;
    let mut stale = Vec::new();
    for output in outputs {
        let out_dir = output.dir().to_path_buf();
        let changes = output.finish().map_err(JobError::Io)?;
        match mode {
            Mode::Write => written += changes.len(),
            Mode::Check if changes.is_empty() => {}
            Mode::Check => stale.push(StaleDir { out_dir, diffs: changes }),
        }
    }
    if stale.is_empty() { Ok(written) } else { Err(JobError::Stale(stale)) }
}
