//! Writing generated files (rust-analyzer style): one [`Output`] either writes the output or, in
//! check mode, reports how the files on disk differ. Writing is all-or-nothing: the new tree is built
//! beside the old one and swapped in, so an interrupted run never leaves a half-written crate.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

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

/// Whether a run writes its output or only reports how it differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// One output folder, fed one generated file at a time (from any number of threads) and compared
/// with what is on disk as each arrives. In check mode every difference is kept with its diff; in
/// write mode a new or changed file goes straight into a staging folder beside `dir`, so a run holds
/// no more generated text than the files being rendered, and [`Output::finish`] swaps the staging
/// folder in only once every file has arrived. Dropped before `finish` (an error part-way), it
/// removes the staging folder and `dir` is untouched.
pub struct Output {
    dir: PathBuf,
    /// Write mode only.
    staging: Option<PathBuf>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Every path handed over, to find the files on disk that are no longer generated.
    generated: HashSet<String>,
    /// Files identical on disk: copied into the staging folder only if something else changed.
    unchanged: Vec<String>,
    /// Check mode: each difference. Write mode: the changed paths, without their diffs.
    changes: Vec<FileDiff>,
}

impl Output {
    /// Starts a run over `dir`, removing a staging folder an interrupted run left behind.
    pub fn begin(dir: &Path, mode: Mode) -> io::Result<Output> {
        let staging = match mode {
            Mode::Check => None,
            Mode::Write => {
                let staging = sibling(dir, "staging")?;
                remove_if_present(&staging)?;
                Some(staging)
            }
        };
        Ok(Output { dir: dir.to_path_buf(), staging, state: Mutex::default() })
    }

    /// A run over `dir` that has been handed every one of `files` (files generated all at once).
    pub fn of(dir: &Path, mode: Mode, files: impl IntoIterator<Item = GeneratedFile>) -> io::Result<Output> {
        let output = Output::begin(dir, mode)?;
        for file in files {
            output.accept(file)?;
        }
        Ok(output)
    }

    /// The folder this run is for.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Compares one generated file with the disk and, in write mode, stages it if it differs.
    pub fn accept(&self, file: GeneratedFile) -> io::Result<()> {
        let old = match fs::read_to_string(self.dir.join(&file.path)) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let change = match &old {
            Some(old) if *old == file.contents => None,
            Some(_) => Some(Change::Modified),
            None => Some(Change::Added),
        };
        let diff = match (change, &self.staging) {
            (None, _) => None,
            (Some(change), Some(staging)) => {
                write_file(&staging.join(&file.path), &file.contents)?;
                Some(FileDiff { path: file.path.clone(), change, diff: String::new() })
            }
            (Some(change), None) => Some(FileDiff {
                path: file.path.clone(),
                change,
                diff: unified(&file.path, old.as_deref().unwrap_or(""), &file.contents),
            }),
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match diff {
            Some(diff) => state.changes.push(diff),
            None => state.unchanged.push(file.path.clone()),
        }
        state.generated.insert(file.path);
        Ok(())
    }

    /// Ends the run: the differences in path order (check mode; empty when `dir` is up to date), or
    /// the changes made (write mode; none written when nothing changed, so cargo rebuilds nothing).
    pub fn finish(mut self) -> io::Result<Vec<FileDiff>> {
        let state = std::mem::take(self.state.get_mut().unwrap_or_else(PoisonError::into_inner));
        let mut changes = state.changes;
        for path in list_files(&self.dir)? {
            if !state.generated.contains(&path) {
                let diff = match self.staging {
                    Some(_) => String::new(),
                    None => unified(&path, &fs::read_to_string(self.dir.join(&path)).unwrap_or_default(), ""),
                };
                changes.push(FileDiff { diff, path, change: Change::Removed });
            }
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        let Some(staging) = self.staging.take() else { return Ok(changes) };
        if changes.is_empty() {
            remove_if_present(&staging)?;
            return Ok(changes);
        }
        for path in &state.unchanged {
            let to = staging.join(path);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(self.dir.join(path), to)?;
        }
        fs::create_dir_all(&staging)?;
        let old = sibling(&self.dir, "old")?;
        remove_if_present(&old)?;
        if self.dir.exists() {
            fs::rename(&self.dir, &old)?;
        }
        fs::rename(&staging, &self.dir)?;
        remove_if_present(&old)?;
        Ok(changes)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(staging) = &self.staging {
            let _ = remove_if_present(staging);
        }
    }
}

/// The differences between `dir` and `files`, in path order; empty when `dir` is up to date.
pub fn diff(dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<FileDiff>> {
    settle(dir, files, Mode::Check)
}

/// Makes `dir` hold exactly `files`. Returns how many files changed; writes nothing when none did,
/// so cargo does not rebuild an unchanged crate.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> io::Result<usize> {
    Ok(settle(dir, files, Mode::Write)?.len())
}

fn settle(dir: &Path, files: &[GeneratedFile], mode: Mode) -> io::Result<Vec<FileDiff>> {
    Output::of(dir, mode, files.iter().cloned())?.finish()
}

fn write_file(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents)
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
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

        // Only a removal: the unchanged files are carried over into the new tree.
        let v3 = [file("a.rs", "one\nmore\n")];
        assert_eq!(write(&dir, &v3).unwrap(), 1);
        assert_eq!(fs::read_to_string(dir.join("a.rs")).unwrap(), "one\nmore\n");
        assert!(!dir.join("c.rs").exists());
    }

    /// Files arrive from several threads as they are rendered; a run that stops part-way (an
    /// error before `finish`) leaves the folder exactly as it was and no staging folder behind.
    #[test]
    fn files_stream_in_and_an_unfinished_run_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let v1: Vec<_> = (0..40).map(|i| file(&format!("src/f{i}.rs"), &format!("{i}\n"))).collect();
        let output = Output::begin(&dir, Mode::Write).unwrap();
        std::thread::scope(|scope| {
            for half in v1.chunks(20) {
                let output = &output;
                scope.spawn(move || half.iter().for_each(|f| output.accept(f.clone()).unwrap()));
            }
        });
        assert_eq!(output.finish().unwrap().len(), 40);
        assert!(diff(&dir, &v1).unwrap().is_empty());

        let output = Output::begin(&dir, Mode::Write).unwrap();
        output.accept(file("src/f0.rs", "changed\n")).unwrap();
        output.accept(file("src/new.rs", "new\n")).unwrap();
        drop(output);
        assert!(diff(&dir, &v1).unwrap().is_empty(), "the folder is as it was");
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("out")]);
    }
}
