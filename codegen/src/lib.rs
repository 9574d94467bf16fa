//! payspec's code generator. The pipeline, as in serde_derive: parse the YAML into an AST that keeps
//! positions ([`load`]), check everything while collecting every error ([`resolve`]), lower to a
//! resolved [`model`], then emit Rust tokens and pretty-print them ([`emit`]). The emitter never
//! validates; [`files`] writes the result all at once or reports how it differs.

pub mod ast;
pub mod diag;
pub mod emit;
pub mod files;
pub mod load;
pub mod model;
pub mod openapi;
pub mod resolve;
pub mod specdiff;
pub mod upstream;
pub mod workspace;
pub mod yaml;

use std::path::Path;

pub use diag::{Diagnostic, Diagnostics};
pub use emit::{EmitError, GeneratedFile, generate};
pub use model::Model;

/// Why a spec tree could not be turned into a model.
#[derive(Debug)]
pub enum LoadError {
    /// A file or folder could not be read.
    Io { path: String, error: std::io::Error },
    /// The specs have problems; every one is listed.
    Invalid(Diagnostics),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            LoadError::Invalid(diags) => diags.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {}

/// Loads and checks every provider under `spec_dir`. `display` is how messages name that folder
/// (`spec`), so that errors read `spec/linepay/capture.yaml:12:5: ...` from the workspace root.
pub fn load_dir(spec_dir: &Path, display: &str) -> Result<Model, LoadError> {
    let io = |path: &Path, error| LoadError::Io { path: path.display().to_string(), error };
    let mut sources = Vec::new();
    for folder in sorted_entries(spec_dir).map_err(|e| io(spec_dir, e))? {
        if !folder.is_dir() {
            continue;
        }
        let folder_name = file_name(&folder);
        let mut files = Vec::new();
        for path in sorted_entries(&folder).map_err(|e| io(&folder, e))? {
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                files.push((file_name(&path), text));
            }
        }
        if !files.is_empty() {
            sources.push(ProviderSource { folder: folder_name, files });
        }
    }
    load_sources(display, sources).map_err(LoadError::Invalid)
}

/// One provider folder's YAML files by name, as read from disk (or built by a test).
pub struct ProviderSource {
    pub folder: String,
    pub files: Vec<(String, String)>,
}

/// Loads and checks providers from memory; see [`load_dir`].
pub fn load_sources(display: &str, sources: Vec<ProviderSource>) -> Result<Model, Diagnostics> {
    load(display, sources, false)
}

/// Loads specs written for an earlier version of the format, as the base of a spec diff: where a key
/// the format has since made required is missing, its value is derived as the earlier format implied
/// (an Alipay+ code's `result_status`: `U` for an `outcome_unknown` code, `F` otherwise). Everything
/// else is checked as [`load_sources`] does.
pub fn load_base_sources(display: &str, sources: Vec<ProviderSource>) -> Result<Model, Diagnostics> {
    load(display, sources, true)
}

fn load(display: &str, sources: Vec<ProviderSource>, base: bool) -> Result<Model, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut inputs = Vec::new();
    for source in sources {
        let shown = |name: &str| format!("{display}/{}/{name}", source.folder);
        let mut provider = None;
        let mut operations = Vec::new();
        for (name, text) in &source.files {
            let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
            if stem == "provider" {
                provider = Some(load::provider_file(&mut diags, &shown(name), &source.folder, text));
            } else {
                operations.extend(load::operation_file(&mut diags, &shown(name), stem, text));
            }
        }
        match provider {
            Some(Some(provider)) => inputs.push(resolve::ProviderInput { provider, operations, base }),
            // provider.yaml is unreadable (already reported): its operations cannot be checked against it.
            Some(None) => {}
            None => diags.error(
                &format!("{display}/{}", source.folder),
                yaml::Pos { line: 1, col: 1 },
                "this folder has spec files but no provider.yaml; add one with the provider's facts",
            ),
        }
    }
    let providers = resolve::resolve(inputs, &mut diags);
    if diags.is_empty() { Ok(Model { providers }) } else { Err(diags.finish()) }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
