//! `payspec_runtime::DateTime` against an implementation nobody here wrote: Python's
//! `datetime.fromisoformat`, which checks the calendar, the time of day and the offset and computes
//! the instant. RFC 3339 is a strict profile of what Python reads (Python also takes a date alone, no
//! offset, `+0800`, `+05:60`), so the script first matches the RFC's grammar with a regular expression
//! and only then asks Python. Leap seconds (Python refuses them) and year 0 (before Python's first
//! year) are left to the runtime's own tests. Skips, saying so, only where `python3` is absent.

use std::io::Write as _;
use std::process::{Command, Stdio};

use payspec_runtime::DateTime;

const SCRIPT: &str = r#"
import re, sys
from datetime import datetime, timezone
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
for line in sys.stdin.read().split("\n")[:-1]:
    if not RFC3339.fullmatch(line):
        print("err")
        continue
    try:
        t = datetime.fromisoformat(line[:10] + "T" + line[11:].upper())
    except ValueError:
        print("err")
        continue
    d = t - EPOCH
    print((d.days * 86400 + d.seconds) * 1000000 + d.microseconds, int(t.utcoffset().total_seconds()))
"#;

/// A small deterministic generator (64-bit LCG), so a failure can be reproduced.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Texts near the edges: every part sometimes out of range, fractions of 0 to 12 digits, every
/// offset form, and some single-byte mutations of well-formed texts.
fn cases() -> Vec<String> {
    let mut r = Lcg(0x5eed);
    let mut out = vec![
        "2019-06-13T21:17:49+08:00".to_owned(),
        "2014-01-01T06:17:41Z".to_owned(),
        "2019-04-04T12:08:56.253+05:30".to_owned(),
        "2020-01-01T12:01:01+08:30".to_owned(),
        "2021-12-16T00:27:40Z".to_owned(),
    ];
    for _ in 0..20_000 {
        let year = [1 + r.below(9999), 1900 + r.below(200), 2000, 2100, 1970][r.below(5) as usize];
        let month = if r.below(8) == 0 { r.below(14) } else { 1 + r.below(12) };
        let day = if r.below(4) == 0 { 28 + r.below(5) } else { r.below(33) };
        let (hour, minute, second) = (r.below(26), r.below(62), r.below(60));
        let mut text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        let digits = r.below(13);
        if digits > 0 {
            text.push('.');
            (0..digits).for_each(|_| text.push(char::from(b'0' + r.below(10) as u8)));
        }
        match r.below(6) {
            0 => text.push('Z'),
            1 => text.push('z'),
            2 => {}
            _ => {
                let sign = if r.below(2) == 0 { '+' } else { '-' };
                text.push_str(&format!("{sign}{:02}:{:02}", r.below(26), r.below(62)));
            }
        }
        if r.below(10) == 0 {
            let mut bytes = text.into_bytes();
            let at = r.below(bytes.len() as u64) as usize;
            bytes[at] = b"0123456789-:T.Z+ x"[r.below(18) as usize];
            text = String::from_utf8(bytes).expect("ASCII");
        }
        out.push(text);
    }
    out
}

fn ours(text: &str) -> String {
    match DateTime::parse(text) {
        Ok(t) => {
            let micros = i128::from(t.unix_timestamp()) * 1_000_000 + i128::from(t.nanosecond() / 1000);
            assert_eq!(t.as_str(), text, "the text is kept");
            format!("{micros} {}", t.offset_seconds())
        }
        Err(_) => "err".to_owned(),
    }
}

#[test]
fn agrees_with_python_fromisoformat() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so DateTime is not compared with datetime.fromisoformat");
        return;
    }
    // Leap seconds and year 0 are outside what Python can read; the runtime's tests cover them.
    let cases: Vec<String> =
        cases().into_iter().filter(|c| c.get(17..19) != Some("60") && !c.starts_with("0000")).collect();
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write cases");
    let out = child.wait_with_output().expect("python3 finishes");
    assert!(out.status.success(), "the script failed");
    let theirs: Vec<&str> = std::str::from_utf8(&out.stdout).expect("UTF-8").lines().collect();
    assert_eq!(theirs.len(), cases.len());
    let mut accepted = 0;
    for (case, theirs) in cases.iter().zip(theirs) {
        assert_eq!(ours(case), theirs, "{case:?}");
        accepted += usize::from(theirs != "err");
    }
    // The cases exercise both sides: neither nearly all valid nor nearly all refused.
    assert!(accepted > cases.len() / 5 && accepted < cases.len() * 4 / 5, "{accepted} of {}", cases.len());
}
