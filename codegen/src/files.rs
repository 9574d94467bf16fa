//! Writing generated files (rust-analyzer style): one function either writes the output or, in
//! check mode, reports how the files on disk differ. Writing is all-or-nothing: the new tree is built
//! beside the old one and swapped in, so an interrupted run never leaves a half-written crate.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// How one file on disk differs from what the generator produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    pub path: String,
    pub change: Change,
    /// A unified diff from the file on disk to the generated one.
    pub diff: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Modified,
}

impl fmt::Display for FileDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.change {
            Change::Added => "missing on disk",
            Change::Removed => "on disk but not generated",
            Change::Modified => "differs",
        };
        writeln!(f, "{}: {what}", self.path)?;
        f.write_str(&self.diff)
    }
}

/// The differences between `dir` and `files`, in path order; empty when `dir` is up to date.
pub fn diff(dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<FileDiff>> {
    let mut on_disk = list_files(dir)?;
    let mut out = Vec::new();
    for file in files {
        let full = dir.join(&file.path);
        let old = match fs::read_to_string(&full) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        on_disk.retain(|p| p != &file.path);
        match old {
            Some(old) if old == file.contents => {}
            Some(old) => out.push(FileDiff {
                path: file.path.clone(),
                change: Change::Modified,
                diff: unified(&file.path, &old, &file.contents),
            }),
            None => out.push(FileDiff {
                path: file.path.clone(),
                change: Change::Added,
                diff: unified(&file.path, "", &file.contents),
            }),
        }
    }
    for path in on_disk {
        let old = fs::read_to_string(dir.join(&path)).unwrap_or_default();
        out.push(FileDiff { diff: unified(&path, &old, ""), path, change: Change::Removed });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Makes `dir` hold exactly `files`. Returns how many files changed; writes nothing when none did,
/// so cargo does not rebuild an unchanged crate.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> io::Result<usize> {
    let changes = diff(dir, files)?.len();
    if changes == 0 {
        return Ok(0);
    }
    let staging = sibling(dir, "staging")?;
    let old = sibling(dir, "old")?;
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    for file in files {
        let path = staging.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
    }
    if dir.exists() {
        fs::rename(dir, &old)?;
    }
    fs::rename(&staging, dir)?;
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(changes)
}

/// `.codegen-<what>-<name>` next to `dir`, on the same file system so renames are atomic.
fn sibling(dir: &Path, what: &str) -> io::Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| io::Error::other(format!("{} has no folder name", dir.display())))?;
    let parent = dir.parent().unwrap_or(Path::new("."));
    Ok(parent.join(format!(".codegen-{what}-{}", name.to_string_lossy())))
}

/// Every file below `dir` as a `/`-separated relative path; nothing when `dir` does not exist.
fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
        }
    }
    Ok(())
}

fn unified(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into() }
    }

    #[test]
    fn writes_swaps_and_reports() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let v1 = [file("a.rs", "one\n"), file("src/b.rs", "two\n")];
        assert_eq!(write(&dir, &v1).unwrap(), 2);
        assert!(diff(&dir, &v1).unwrap().is_empty());
        assert_eq!(write(&dir, &v1).unwrap(), 0, "an up-to-date tree is not rewritten");

        let v2 = [file("a.rs", "one\nmore\n"), file("c.rs", "three\n")];
        let changes = diff(&dir, &v2).unwrap();
        let kinds: Vec<_> = changes.iter().map(|d| (d.path.as_str(), d.change)).collect();
        assert_eq!(kinds, vec![("a.rs", Change::Modified), ("c.rs", Change::Added), ("src/b.rs", Change::Removed)]);
        assert!(changes[0].diff.contains("+more"), "{}", changes[0].diff);
        write(&dir, &v2).unwrap();
        assert!(!dir.join("src/b.rs").exists());
        assert!(diff(&dir, &v2).unwrap().is_empty());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("out")]);
    }
}
