//! Malformed specs get typed errors, never a panic: every real spec file, truncated at many points,
//! with lines deleted and with characters swapped, goes through the checker (and the emitter when it
//! checks clean). Deterministic: the same mutations every run.

use std::path::Path;

use payspec_codegen::{ProviderSource, generate, load_sources};

fn provider_files(folder: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Up to `n` evenly spaced char boundaries of `text`.
fn points(text: &str, n: usize) -> Vec<usize> {
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    (1..=n).map(|k| bounds[(bounds.len() - 1) * k / (n + 1)]).collect()
}

fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for at in points(text, 6) {
        out.push(text[..at].to_owned());
        // A character swapped for YAML syntax.
        let mut swapped = text.to_owned();
        let len = swapped[at..].chars().next().map_or(0, char::len_utf8);
        swapped.replace_range(at..at + len, if at % 2 == 0 { ":" } else { "[" });
        out.push(swapped);
    }
    let lines: Vec<&str> = text.lines().collect();
    for k in 1..=5 {
        let drop = (lines.len() - 1) * k / 6;
        out.push(lines.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, l)| *l).collect::<Vec<_>>().join("\n"));
    }
    out
}

#[test]
fn mutated_specs_are_errors_not_panics() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut checked = 0;
    let mut rejected = 0;
    for provider in ["linepay", "alipayplus", "elepay"] {
        let files = provider_files(&spec.join(provider));
        let original = load_sources("spec", vec![ProviderSource { folder: provider.into(), files: files.clone() }])
            .unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in &files {
            for mutated in mutations(text) {
                let files = files
                    .iter()
                    .map(|(n, t)| (n.clone(), if n == name { mutated.clone() } else { t.clone() }))
                    .collect();
                match load_sources("spec", vec![ProviderSource { folder: provider.into(), files }]) {
                    // A mutation that leaves the model as it was (a comment cut short) emits what the
                    // freshness test already checks; any other model that checks clean must emit.
                    Ok(model) if model != original => {
                        generate(&model)
                            .unwrap_or_else(|e| panic!("{provider}/{name}: a checked spec failed to emit: {e}"));
                    }
                    Ok(_) => {}
                    Err(diags) => {
                        assert!(!diags.is_empty());
                        assert!(diags.iter().all(|d| d.file.starts_with("spec/") && d.pos.line > 0), "{diags}");
                        rejected += 1;
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "{checked} mutations");
    assert!(rejected > checked / 2, "most mutations must be refused: {rejected} of {checked}");
}
