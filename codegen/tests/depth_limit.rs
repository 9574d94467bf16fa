//! Deeply nested spec files get a positioned error, not a stack overflow. `yaml.rs` stops building
//! the tree at `MAX_DEPTH` levels; saphyr-parser itself keeps its state on the heap (a state stack,
//! an indent stack), so it reads any depth without recursing. These tests run on the normal test
//! thread, plus one on a deliberately small stack to show that nothing recurses per level first.

use payspec_codegen::yaml::{self, MAX_DEPTH};
use payspec_codegen::{ProviderSource, load_sources};

const PROVIDER: &str = r#"provider: shop
title: Shop
source: test
base_urls: { production: https://shop.example }
auth: line_pay_hmac_sha256
envelope: { kind: line_pay, success_codes: ["0000"] }
"#;

/// The checker's messages for an operation file `spec/shop/pay.yaml` holding `text`.
fn check_op(text: &str) -> String {
    let source = ProviderSource {
        folder: "shop".into(),
        files: vec![("provider.yaml".into(), PROVIDER.into()), ("pay.yaml".into(), text.into())],
    };
    match load_sources("spec", vec![source]) {
        Ok(_) => "no problems".into(),
        Err(diags) => diags.to_string(),
    }
}

/// `- - - ... - x`: a block sequence inside a block sequence, `levels` deep, on one line (the
/// indented form of 12,000 levels would be 144 MB).
fn block_nest(levels: usize) -> String {
    format!("{}x\n", "- ".repeat(levels))
}

/// `[[[ ... ]]]`, `levels` deep.
fn flow_nest(levels: usize) -> String {
    format!("{}{}\n", "[".repeat(levels), "]".repeat(levels))
}

fn depth_message(line: u32, col: u32) -> String {
    format!(
        "spec/shop/pay.yaml:{line}:{col}: lists and mappings nest more than {MAX_DEPTH} levels deep; spec files \
         need far fewer, so look for a runaway indentation or an unclosed `[` or `{{`\n1 problem found; nothing \
         was written"
    )
}

#[test]
fn a_12000_level_block_nest_is_a_positioned_error() {
    // The root list starts at column 1; each level adds `- `, so level 65 starts at 1 + 2 * 64.
    assert_eq!(check_op(&block_nest(12_000)), depth_message(1, 1 + 2 * MAX_DEPTH as u32));
}

/// saphyr-parser counts flow levels in a `u8` and scans a flow nest ahead of its events, so past 255
/// levels its own limit is met first, at the 256th `[`; `yaml.rs` reports it with the same message.
const SAPHYR_FLOW_LEVELS: u32 = 255;

#[test]
fn a_12000_level_flow_nest_is_a_positioned_error() {
    assert_eq!(check_op(&flow_nest(12_000)), depth_message(1, SAPHYR_FLOW_LEVELS + 1));
}

#[test]
fn a_flow_nest_within_saphyrs_limit_stops_at_ours() {
    assert_eq!(check_op(&flow_nest(200)), depth_message(1, 1 + MAX_DEPTH as u32));
}

#[test]
fn a_nest_of_mappings_inside_a_real_key_is_a_positioned_error() {
    let nest: String = (0..12_000).map(|_| "{a: ").collect::<String>() + "1" + &"}".repeat(12_000);
    let text = format!("source: test\nsummary: Pay.\nmethod: POST\npath: /pay\ntypes: {nest}\n");
    // `types` is level 2 (inside the root mapping), so the 64th `{a: ` opens level 65. Each key ends
    // the parser's look-ahead, so saphyr-parser's own flow limit is never reached here.
    assert_eq!(check_op(&text), depth_message(5, 8 + 4 * 63));
}

#[test]
fn the_limit_itself_is_allowed() {
    assert!(yaml::parse(&flow_nest(MAX_DEPTH)).is_ok());
    assert!(yaml::parse(&block_nest(MAX_DEPTH)).is_ok());
    let err = yaml::parse(&flow_nest(MAX_DEPTH + 1)).unwrap_err();
    assert_eq!((err.pos.line, err.pos.col), (1, MAX_DEPTH as u32 + 1));
}

#[test]
fn the_real_specs_nest_far_less_than_the_limit() {
    fn depth(node: &yaml::Node) -> usize {
        match &node.value {
            yaml::Value::Seq(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            yaml::Value::Map(entries) => 1 + entries.iter().map(|(k, v)| depth(k).max(depth(v))).max().unwrap_or(0),
            _ => 0,
        }
    }
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut deepest = 0;
    for provider in std::fs::read_dir(&spec).unwrap() {
        let provider = provider.unwrap().path();
        if !provider.is_dir() || provider.ends_with("schema") {
            continue;
        }
        for file in std::fs::read_dir(&provider).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "yaml") {
                let node = yaml::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
                deepest = deepest.max(depth(&node));
            }
        }
    }
    assert!(deepest > 3 && deepest * 4 <= MAX_DEPTH, "the real specs nest {deepest} levels deep");
}

#[test]
fn saphyr_parser_does_not_recurse_per_level() {
    // 100,000 levels on a 256 KiB stack: parsing would overflow if anything before the depth limit
    // recursed per level (a Rust frame per level of even 64 bytes would need 6 MB).
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let flow = yaml::parse(&flow_nest(100_000)).unwrap_err();
            let block = yaml::parse(&block_nest(100_000)).unwrap_err();
            (flow.pos, block.pos)
        })
        .unwrap();
    let (flow, block) = handle.join().unwrap();
    assert_eq!((flow.line, flow.col), (1, SAPHYR_FLOW_LEVELS + 1));
    assert_eq!((block.line, block.col), (1, 1 + 2 * MAX_DEPTH as u32));
}
