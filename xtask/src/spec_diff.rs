//! `cargo xtask spec-diff`: what a spec change means for the crate's users, for pull-request review.
//!
//! The base specs are read from git objects (nothing is checked out), the new ones from the working
//! tree; both go through the full checker, then [`payspec_codegen::specdiff`] compares the models.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use payspec_codegen::specdiff::diff;
use payspec_codegen::{LoadError, Model, ProviderSource, generate, load_base_sources, load_dir};

pub const USAGE: &str =
    "usage: cargo xtask spec-diff [--base GIT-REF] [--format markdown|json|text] [--fail-on breaking]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Text,
}

#[derive(Debug)]
pub struct Options {
    pub base: Option<String>,
    pub format: Format,
    pub fail_on_breaking: bool,
}

pub fn parse_args(args: &[&str]) -> Result<Options, String> {
    let mut options = Options { base: None, format: Format::Text, fail_on_breaking: false };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| rest.next().copied().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match *arg {
            "--base" => options.base = Some(value("--base")?.to_owned()),
            "--format" => {
                options.format = match value("--format")? {
                    "markdown" => Format::Markdown,
                    "json" => Format::Json,
                    "text" => Format::Text,
                    other => return Err(format!("unknown format {other:?}\n{USAGE}")),
                }
            }
            "--fail-on" => match value("--fail-on")? {
                "breaking" => options.fail_on_breaking = true,
                other => return Err(format!("--fail-on takes `breaking`, not {other:?}\n{USAGE}")),
            },
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The report for the repository at `repo`, rendered, and whether it breaks.
pub fn run(repo: &Path, options: &Options) -> Result<(String, bool), String> {
    let base = match &options.base {
        Some(base) => base.clone(),
        None => default_base(repo)?,
    };
    let old = load_at_ref(repo, &base)?;
    let new =
        load_dir(&repo.join("spec"), "spec").map_err(|e| format!("the working tree's specs do not load:\n{e}"))?;
    let report = diff(&old, &new);
    let changed = changed_generated_files(&old, &new)?;
    let text = match options.format {
        Format::Text => report.to_text(),
        Format::Markdown => report.to_markdown(&changed),
        Format::Json => format!("{:#}\n", report.to_json(&changed)),
    };
    Ok((text, report.is_breaking()))
}

fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out =
        Command::new("git").arg("-C").arg(repo).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out.stdout)
}

/// The merge base with `main` (or `origin/main`): what a pull request is compared with.
fn default_base(repo: &Path) -> Result<String, String> {
    for main in ["main", "origin/main"] {
        if let Ok(out) = git(repo, &["merge-base", "HEAD", main]) {
            return Ok(String::from_utf8_lossy(&out).trim().to_owned());
        }
    }
    Err("no merge base with main or origin/main; pass --base GIT-REF".into())
}

/// Loads `spec/` as it is at `reference`.
fn load_at_ref(repo: &Path, reference: &str) -> Result<Model, String> {
    let listing = git(repo, &["ls-tree", "-r", "--name-only", reference, "--", "spec"])
        .map_err(|e| format!("cannot read spec/ at {reference}: {e}"))?;
    let mut folders: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for path in String::from_utf8_lossy(&listing).lines() {
        let parts: Vec<&str> = path.split('/').collect();
        let [_, folder, file] = parts.as_slice() else { continue };
        if !(file.ends_with(".yaml") || file.ends_with(".yml")) {
            continue;
        }
        let text = git(repo, &["show", &format!("{reference}:{path}")])?;
        let text = String::from_utf8(text).map_err(|_| format!("{path} at {reference} is not UTF-8"))?;
        folders.entry((*folder).to_owned()).or_default().push(((*file).to_owned(), text));
    }
    let sources = folders.into_iter().map(|(folder, files)| ProviderSource { folder, files }).collect();
    load_base_sources("spec", sources)
        .map_err(|e| format!("the specs at {reference} do not load:\n{}", LoadError::Invalid(e)))
}

/// Files of `generated/` whose contents the change alters.
fn changed_generated_files(old: &Model, new: &Model) -> Result<Vec<String>, String> {
    let render = |m: &Model| -> Result<BTreeMap<String, String>, String> {
        Ok(generate(m).map_err(|e| e.to_string())?.into_iter().map(|f| (f.path, f.contents)).collect())
    };
    let (old, new) = (render(old)?, render(new)?);
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    Ok(paths.into_iter().filter(|p| old.get(*p) != new.get(*p)).map(|p| format!("generated/{p}")).collect())
}

/// The repository containing the current directory.
pub fn repo_root() -> Result<PathBuf, String> {
    let out = git(Path::new("."), &["rev-parse", "--show-toplevel"])?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim()))
}
