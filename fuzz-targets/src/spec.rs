//! The spec loader and checker (`load_sources`: YAML with positions, shape, meaning, every
//! cross-file check), with the fuzzed text standing in for one real spec file.
//!
//! Input: one selector byte, then a spec file's text. The selector modulo the number of files in
//! `spec/*/` (sorted by provider, then name: see [`spec_files`]) picks the file the text stands
//! for; it is loaded as `cargo xtask codegen` loads a folder, next to the real `provider.yaml` (or,
//! for a `provider.yaml`, next to the provider's first operation file).
//!
//! Asserts: no panic; a failed load reports at least one problem, each against a file of the
//! folder, positioned (line and column from 1), and inside the fuzzed text when it is in that file.

use std::path::Path;
use std::sync::LazyLock;

use payspec_codegen::{ProviderSource, load_sources};

/// A spec file of the repository: provider folder, file name and text.
#[derive(Debug, Clone)]
pub struct SpecFile {
    pub provider: String,
    pub name: String,
    pub text: String,
}

static SPEC_FILES: LazyLock<Vec<SpecFile>> = LazyLock::new(|| {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut files = Vec::new();
    for folder in sorted(&spec) {
        let provider = file_name(&folder);
        for path in sorted(&folder).into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            files.push(SpecFile { provider: provider.clone(), name: file_name(&path), text });
        }
    }
    assert!(!files.is_empty(), "no spec files under {}", spec.display());
    files
});

fn sorted(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The real spec files in selector order, read once from `spec/` (JSON Schemas in `spec/schema/`
/// are not spec files and are skipped).
pub fn spec_files() -> &'static [SpecFile] {
    &SPEC_FILES
}

const PROVIDER_FILE: &str = "provider.yaml";

pub fn spec(data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let all = spec_files();
    let replaced = &all[usize::from(selector) % all.len()];
    // The fuzzed file with its provider.yaml, or a fuzzed provider.yaml with the provider's first
    // operation: every check runs, against one other file. (Loading the whole folder each time
    // would be several times slower for little: the other files never change.)
    let mut partner = all.iter().filter(|f| f.provider == replaced.provider && f.name != replaced.name);
    let partner =
        if replaced.name == PROVIDER_FILE { partner.next() } else { partner.find(|f| f.name == PROVIDER_FILE) };
    let mut files = vec![(replaced.name.clone(), text.to_owned())];
    files.extend(partner.map(|f| (f.name.clone(), f.text.clone())));
    let folder = format!("spec/{}", replaced.provider);
    let names: Vec<String> = files.iter().map(|(name, _)| format!("{folder}/{name}")).collect();
    let fuzzed = format!("{folder}/{}", replaced.name);
    let source = ProviderSource { folder: replaced.provider.clone(), files };
    let Err(diags) = load_sources("spec", vec![source]) else { return };
    assert!(!diags.is_empty(), "a failed load reports at least one problem");
    // YAML line breaks are `\r\n`, `\n` and a lone `\r` (unlike `str::lines`); the line after the
    // last break counts even when empty, since an unclosed construct is reported there.
    let last_line = 1 + text.replace("\r\n", "\n").chars().filter(|c| matches!(c, '\n' | '\r')).count();
    for d in diags.iter() {
        assert!(names.contains(&d.file) || d.file == folder, "a problem names a file of the folder: {d}");
        assert!(d.pos.line >= 1 && d.pos.col >= 1, "every problem has a position: {d}");
        if d.file == fuzzed {
            let line = usize::try_from(d.pos.line).unwrap_or(usize::MAX);
            assert!(line <= last_line, "the position is inside the file ({last_line} lines): {d}");
        }
    }
}
