//! Generator benchmark: load + check + emit, in process, of the real spec/ and of synthetic spec sets
//! of 100, 1,000, 5,000 and 10,000 operations that this program writes itself: wall and CPU time,
//! peak heap of each; and the wall and CPU time of `cargo xtask codegen --check` on the real spec/.
//!
//! `cargo run --release -p payspec-bench --bin codegen_bench` (`... -- peak 10000`: the peak heap of one
//! size only)

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use payspec_bench::{CountingAllocator, Spread, cpu_time, load_average, peak_bytes_during, report, timings};
use payspec_codegen::workspace::{self, Job, Mode};
use payspec_codegen::{generate, load_dir};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Operations per synthetic provider, so modules stay the size real providers have.
const OPS_PER_PROVIDER: usize = 100;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Loads, checks and emits `spec_dir`; returns how many files were generated.
fn run_generator(spec_dir: &Path) -> usize {
    let model = load_dir(spec_dir, "spec").unwrap_or_else(|e| panic!("the bench spec does not load: {e}"));
    generate(&model).unwrap_or_else(|e| panic!("{e}")).len()
}

fn main() {
    // `codegen_bench once OPERATIONS`: one generator run of a synthetic spec of that size (0: the
    // real spec/), for instruction counting with callgrind (bench/instructions.sh).
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("once") {
        let operations: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(0);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let spec = if operations == 0 {
            workspace().join("spec")
        } else {
            write_synthetic(dir.path(), operations);
            dir.path().to_path_buf()
        };
        for _ in 0..args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1) {
            run_generator(&spec);
        }
        return;
    }
    // `codegen_bench peak OPERATIONS`: the peak heap of one synthetic size only.
    if args.get(1).map(String::as_str) == Some("peak") {
        let operations: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        write_synthetic(dir.path(), operations);
        let (peak, model) = peak_heap(dir.path());
        println!(
            "{operations} operations: peak heap {:.1} MB, the model alone {:.1} MB",
            peak as f64 / 1e6,
            model as f64 / 1e6
        );
        return;
    }
    println!("generator: load + check + emit in process (release build); load average {}\n", load_average());
    println!("wall and CPU (all threads): median (min-max)\n");
    let real = workspace().join("spec");
    let files = run_generator(&real);
    let (wall, cpu) = timings(20, || {
        run_generator(&real);
    });
    report(
        &format!("real spec/ ({files} files): wall"),
        &wall.show(),
        "< 100 ms",
        wall.median < Duration::from_millis(100),
    );
    report("  CPU", &cpu.show(), "-", true);

    let mut per_size = Vec::new();
    let mut dirs = Vec::new();
    for (operations, runs) in [(100, 15), (1_000, 5), (5_000, 3), (10_000, 3)] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        write_synthetic(dir.path(), operations);
        run_generator(dir.path());
        let (wall, cpu) = timings(runs, || {
            run_generator(dir.path());
        });
        let (peak, model_peak) = peak_heap(dir.path());
        let mb = peak as f64 / 1e6;
        let (goal, met) = match operations {
            1_000 => ("< 2 s", wall.median < Duration::from_secs(2)),
            _ => ("-", true),
        };
        report(&format!("synthetic, {operations} operations: wall"), &wall.show(), goal, met);
        report("  CPU", &cpu.show(), "-", true);
        let (load, _) = timings(runs, || {
            load_dir(dir.path(), "spec").unwrap_or_else(|e| panic!("{e}"));
        });
        report("  of which load + check (wall)", &load.show(), "-", true);
        let (mem_goal, mem_met) = match operations {
            1_000 => ("< 200 MB", mb < 200.0),
            10_000 => ("< 300 MB", mb < 300.0),
            _ => ("-", true),
        };
        report("  peak heap, generating into an empty folder", &format!("{mb:.1} MB"), mem_goal, mem_met);
        report("  of which the loaded model (its own peak)", &format!("{:.1} MB", model_peak as f64 / 1e6), "-", true);
        per_size.push((operations, wall, cpu));
        dirs.push(dir);
    }
    let wall10 = per_size[3].1.median.as_secs_f64() / per_size[1].1.median.as_secs_f64();
    report("wall time(10,000 ops) / wall time(1,000 ops)", &format!("{wall10:.2}x"), "-", true);
    println!(
        "\nlinearity: CPU time of runs taken in turn (1,000, N, 1,000, N, ...), median (min-max) of the pair ratios"
    );
    let cpu5 = paired_cpu_ratio(5, dirs[1].path(), dirs[2].path());
    report("CPU time(5,000 ops) / CPU time(1,000 ops)", &times(&cpu5), "<= 5.5x", cpu5.median <= 5.5);
    let cpu10 = paired_cpu_ratio(3, dirs[1].path(), dirs[3].path());
    report("CPU time(10,000 ops) / CPU time(1,000 ops)", &times(&cpu10), "<= 10.5x", cpu10.median <= 10.5);

    // The command maintainers and CI run, once built: cargo's own start-up included; and the xtask
    // binary alone. CPU time is that of the finished child processes.
    let check = |program: &str, args: &[&str]| {
        let status = Command::new(program)
            .args(args)
            .current_dir(workspace())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(status.status.success(), "generated/ is stale: {}", String::from_utf8_lossy(&status.stderr));
    };
    let cargo = env!("CARGO");
    check(cargo, &["xtask", "codegen", "--check"]);
    let child_timings = |program: &str, args: &[&str]| {
        let (mut wall, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            let (start, start_cpu) = (std::time::Instant::now(), cpu_time(true));
            check(program, args);
            wall.push(start.elapsed());
            cpu.push(cpu_time(true).saturating_sub(start_cpu));
        }
        (Spread::of(wall), Spread::of(cpu))
    };
    let (wall, cpu) = child_timings(cargo, &["xtask", "codegen", "--check"]);
    report("`cargo xtask codegen --check` (built): wall", &wall.show(), "< 1 s", wall.median < Duration::from_secs(1));
    report("  CPU", &cpu.show(), "< 0.2 s", cpu.median < Duration::from_millis(200));
    let xtask = workspace().join("target/debug/xtask");
    let xtask = xtask.to_string_lossy();
    let (wall, cpu) = child_timings(&xtask, &["codegen", "--check"]);
    report("  the xtask binary alone: wall", &wall.show(), "-", true);
    report("  the xtask binary alone: CPU", &cpu.show(), "-", true);
}

/// `5.08x (3.17x-6.43x)`.
fn times(ratio: &Spread<f64>) -> String {
    format!("{:.2}x ({:.2}x-{:.2}x)", ratio.median, ratio.min, ratio.max)
}

/// CPU(large) / CPU(small) of generator runs taken in turn, one ratio per pair: this VM's speed
/// drifts over minutes, and a ratio of two runs taken side by side does not drift with it.
fn paired_cpu_ratio(pairs: usize, small: &Path, large: &Path) -> Spread<f64> {
    let cpu_of = |dir: &Path| {
        let start = cpu_time(false);
        run_generator(dir);
        cpu_time(false).saturating_sub(start).as_secs_f64()
    };
    Spread::of(
        (0..pairs)
            .map(|_| {
                let small = cpu_of(small);
                cpu_of(large) / small
            })
            .collect(),
    )
}

/// Peak heap bytes of what `cargo xtask codegen` does with `spec_dir` (load, check, and write every
/// file into an empty folder, each as it is rendered), and of loading the model alone.
fn peak_heap(spec_dir: &Path) -> (usize, usize) {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let job = Job {
        spec_dir: spec_dir.to_path_buf(),
        display: "spec".into(),
        out_dir: out.path().join("generated"),
        sources_only: false,
        openapi_dir: None,
    };
    let (written, peak) = peak_bytes_during(|| workspace::run(&job, Mode::Write));
    written.unwrap_or_else(|e| panic!("{e}"));
    let (_, model) = peak_bytes_during(|| load_dir(spec_dir, "spec"));
    (peak, model)
}

/// A synthetic spec tree with `operations` operations over providers of 100 each: varied fields,
/// byte and character limits, nested lists with a sum rule, enums, path and query parameters,
/// shared codes with classifications and codes of each operation.
fn write_synthetic(dir: &Path, operations: usize) {
    let providers = operations.div_ceil(OPS_PER_PROVIDER);
    for p in 0..providers {
        let folder = dir.join(format!("p{p:03}"));
        std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
        let mut provider = format!(
            "provider: p{p:03}\ntitle: Synthetic provider {p}\nsource: synthetic\nbase_urls: {{ sandbox: https://sandbox.p{p}.example, production: https://p{p}.example }}\n\
             auth: line_pay_hmac_sha256\nenvelope: {{ kind: line_pay, success_codes: [\"0000\"] }}\nclassifications:\n  expires_key: The key must be expired.\ncodes:\n"
        );
        for c in 0..20 {
            let _ = writeln!(
                provider,
                "  \"{}\": {{ name: Shared{c}, description: Shared code {c}., retryable: {} }}",
                1000 + c,
                c % 4 == 0
            );
        }
        provider.push_str(
            "types:\n  Id:\n    kind: string\n    description: A 19-digit id.\n    charset: digits\n    min_chars: 19\n    max_chars: 19\n    wire: number\n\
             \x20 Currency:\n    kind: enum\n    description: A currency.\n    values: { USD: Dollar., JPY: Yen., TWD: Taiwan dollar., THB: Baht. }\n\
             \x20 Item:\n    kind: struct\n    description: A line item.\n    fields:\n\
             \x20     name: { type: string, required: true, max_bytes: 4000, description: The name. }\n\
             \x20     quantity: { type: integer, required: true, minimum: 1, description: How many. }\n\
             \x20     price: { type: decimal, required: true, minimum: 0, description: The price. }\n",
        );
        std::fs::write(folder.join("provider.yaml"), provider).unwrap_or_else(|e| panic!("{e}"));
        for o in 0..OPS_PER_PROVIDER.min(operations - p * OPS_PER_PROVIDER) {
            std::fs::write(folder.join(format!("op{o:03}.yaml")), operation(o)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

fn operation(o: usize) -> String {
    let mut s = format!(
        "source: synthetic\nsummary: Operation {o}.\nmethod: {}\npath: /v1/things/{{id}}/op{o}\ntimeout_seconds: {}\n\
         path_params:\n  id: {{ type: Id, description: The thing. }}\n",
        if o % 3 == 0 { "GET" } else { "POST" },
        10 + o % 50,
    );
    if o % 3 == 0 {
        s.push_str(
            "query:\n  ids: { type: list<Id>, max_items: 100, description: More ids. }\n\
             \x20 view: { type: Currency, description: A filter. }\nresponse: Answer\n",
        );
    } else {
        s.push_str("request: Body\nresponse: Answer\n");
    }
    s.push_str("codes:\n");
    for c in 0..5 {
        let code = 1000 + (o + c * 3) % 20;
        if c == 0 {
            let _ = writeln!(s, "  - {{ code: \"{code}\", expires_key: true }}");
        } else {
            let _ = writeln!(s, "  - \"{code}\"");
        }
    }
    for c in 0..5 {
        let _ = writeln!(s, "  - {{ code: \"{}\", name: Own{c}, description: Code {c} of operation {o}. }}", 2000 + c);
    }
    s.push_str("types:\n");
    if o % 3 != 0 {
        let _ = write!(
            s,
            "  Body:\n    kind: struct\n    description: The body.\n    fields:\n\
             \x20     amount: {{ type: decimal, required: true, minimum: 0, description: The amount. }}\n\
             \x20     currency: {{ type: Currency, required: true, max_bytes: 3, description: The currency. }}\n\
             \x20     orderId: {{ type: string, required: true, max_bytes: {}, description: The order. }}\n\
             \x20     note: {{ type: string, max_chars: {}, description: A note. }}\n\
             \x20     tags: {{ type: list<string>, max_items: 10, max_bytes: 30, description: Tags. }}\n\
             \x20     items: {{ type: list<Item>, required: true, max_items: 50, description: The items. }}\n\
             \x20     metadata: {{ type: map<string>, max_items: 20, max_bytes: 255, description: Metadata. }}\n\
             \x20   sums:\n      - {{ over: items, of: [quantity, price], equals: amount }}\n",
            50 + o % 100,
            100 + o % 400,
        );
    }
    s.push_str(
        "  Answer:\n    kind: struct\n    description: The result.\n    fields:\n\
         \x20     id: { type: Id, required: true, description: The id. }\n\
         \x20     status: { type: Status, description: The status. }\n\
         \x20     createdAt: { type: string, description: When. }\n\
         \x20     items: { type: list<Item>, description: The items. }\n\
         \x20 Status:\n    kind: enum\n    description: A status.\n    values: { DONE: Done., PENDING: Pending., FAILED: Failed. }\n",
    );
    s
}
