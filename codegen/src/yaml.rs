//! A YAML document as a tree that remembers where every node starts, so that every later error can
//! point at `file:line:col`. Anchors, aliases and tags are rejected: spec files say everything
//! explicitly, and a reviewer reading a diff should never have to chase a reference.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The deepest nesting of lists and mappings a spec file may have; the root mapping is level 1.
///
/// Building the tree, and every later pass over it (the loader, the checker, `Drop`), recurses once
/// per level, so a broken or hostile file with 12,000 nested `[` or indented `- ` would overflow the
/// stack instead of getting an error. The real specs nest 6 levels at most (a field inside a type
/// inside `types`, with its limits); 64 leaves room for any realistic spec while keeping every pass
/// far from overflowing the smallest stack a test or worker thread gets. saphyr-parser has its own
/// limit of 255 levels for `[` and `{`, reported with the same message.
pub const MAX_DEPTH: usize = 64;

/// saphyr-parser's error for more than 255 nested flow levels (`[[[...`).
const SAPHYR_FLOW_LIMIT: &str = "recursion limit exceeded";

fn too_deep(pos: Pos) -> SyntaxError {
    SyntaxError {
        pos,
        message: format!(
            "lists and mappings nest more than {MAX_DEPTH} levels deep; spec files need far fewer, so look for \
             a runaway indentation or an unclosed `[` or `{{`"
        ),
    }
}

/// A 1-based line and column in a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    fn of(span: &Span) -> Pos {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Pos { line: clamp(span.start.line()), col: clamp(span.start.col()).saturating_add(1) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null`, or nothing at all after a key.
    Null,
    /// Any scalar, kept as written; `quoted` tells `"60"` from `60`.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

impl Node {
    /// What a node is, in the words an error message uses.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// A YAML syntax error, or a construct spec files do not allow.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document. An empty file is `Null`.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    parse_events(source).map_err(|mut e| {
        // saphyr-parser reports some errors at the end of a file that lacks its final newline on
        // the line after the last (`a: b\nc` gives 3:1): point at the end of the text instead.
        e.pos = e.pos.min(end_of(source));
        e
    })
}

/// The position just after the last character, counting line breaks as YAML does (`\r\n`, `\n`,
/// and a lone `\r`).
fn end_of(source: &str) -> Pos {
    let unified = source.replace("\r\n", "\n").replace('\r', "\n");
    let (breaks, last) = unified.split('\n').fold((0usize, ""), |(n, _), line| (n + 1, line));
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Pos { line: clamp(breaks), col: clamp(last.chars().count()).saturating_add(1) }
}

fn parse_events(source: &str) -> Result<Node, SyntaxError> {
    let mut events = Events { parser: Parser::new_from_str(source) };
    loop {
        let (event, span) = events.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(_) => continue,
            Event::StreamEnd => return Ok(Node { value: Value::Null, pos: Pos { line: 1, col: 1 } }),
            other => {
                let root = events.node(other, &span, 1)?;
                return events.expect_end(root);
            }
        }
    }
}

struct Events<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
}

impl<'a> Events<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), SyntaxError> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => {
                let m = e.marker();
                let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                let pos = Pos { line: clamp(m.line()), col: clamp(m.col()).saturating_add(1) };
                // saphyr-parser counts `[` and `{` levels in a `u8`, and reads a flow nest ahead of
                // the events (any `[` could start a key), so past 255 levels its error comes first.
                if e.info() == SAPHYR_FLOW_LIMIT {
                    return Err(too_deep(pos));
                }
                Err(SyntaxError { pos, message: format!("YAML syntax error: {}", e.info()) })
            }
            None => Err(SyntaxError { pos: Pos::default(), message: "unexpected end of YAML input".into() }),
        }
    }

    /// The node that starts with `event`, at nesting level `depth` (the root is 1).
    fn node(&mut self, event: Event<'a>, span: &Span, depth: usize) -> Result<Node, SyntaxError> {
        let pos = Pos::of(span);
        if depth > MAX_DEPTH && matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)) {
            return Err(too_deep(pos));
        }
        let unsupported = |what: &str| SyntaxError {
            pos,
            message: format!("{what} are not supported in spec files; write the value out in full"),
        };
        let value = match event {
            Event::Alias(_) => return Err(unsupported("YAML aliases")),
            Event::Scalar(_, _, anchor, tag) | Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if anchor != 0 || tag.is_some() =>
            {
                return Err(unsupported(if anchor != 0 { "YAML anchors" } else { "YAML tags" }));
            }
            Event::Scalar(text, style, _, _) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                    Value::Null
                } else {
                    Value::Scalar { text: text.into_owned(), quoted }
                }
            }
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if event == Event::SequenceEnd {
                        break;
                    }
                    items.push(self.node(event, &span, depth + 1)?);
                }
                Value::Seq(items)
            }
            Event::MappingStart(..) => {
                let mut entries = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if event == Event::MappingEnd {
                        break;
                    }
                    let key = self.node(event, &span, depth + 1)?;
                    let (event, span) = self.next()?;
                    let value = self.node(event, &span, depth + 1)?;
                    entries.push((key, value));
                }
                Value::Map(entries)
            }
            other => {
                return Err(SyntaxError { pos, message: format!("unexpected YAML event {other:?}") });
            }
        };
        Ok(Node { value, pos })
    }

    fn expect_end(&mut self, root: Node) -> Result<Node, SyntaxError> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::DocumentEnd => continue,
                Event::StreamEnd => return Ok(root),
                _ => {
                    return Err(SyntaxError {
                        pos: Pos::of(&span),
                        message: "a spec file holds one YAML document; remove the second `---`".into(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_quoting() {
        let doc = parse("a: 1\nb:\n  - \"0000\"\n  - x\nc:\n").unwrap();
        let Value::Map(entries) = doc.value else { panic!("not a map") };
        assert_eq!(entries[0].1.pos, Pos { line: 1, col: 4 });
        let Value::Seq(items) = &entries[1].1.value else { panic!("not a seq") };
        assert_eq!(items[0].value, Value::Scalar { text: "0000".into(), quoted: true });
        assert_eq!(items[1].pos, Pos { line: 4, col: 5 });
        assert_eq!(entries[2].1.value, Value::Null);
    }

    #[test]
    fn rejects_aliases_anchors_and_tags() {
        assert!(parse("a: &x 1\nb: *x\n").unwrap_err().message.contains("anchors"));
        assert!(parse("a: !!str 1\n").unwrap_err().message.contains("tags"));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.message.starts_with("YAML syntax error"), "{}", err.message);
        assert!(err.pos.line >= 1);
    }

    /// Found by the `spec` fuzz target: errors at the end of a file without a final newline were
    /// placed on the line after the last one.
    #[test]
    fn errors_at_the_end_point_inside_the_file() {
        let err = parse("a: b\nc").unwrap_err();
        assert_eq!(
            (err.pos, err.message.as_str()),
            (Pos { line: 2, col: 2 }, "YAML syntax error: simple key expected")
        );
        assert_eq!(end_of(""), Pos { line: 1, col: 1 });
        assert_eq!(end_of("ab\r\ncd\réf"), Pos { line: 3, col: 3 });
        assert_eq!(end_of("a\n"), Pos { line: 2, col: 1 });
    }

    #[test]
    fn rejects_second_document() {
        assert!(parse("a: 1\n---\nb: 2\n").unwrap_err().message.contains("one YAML document"));
    }
}
