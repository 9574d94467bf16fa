//! Measuring helpers shared by the bench binaries: medians of repeated timings, and a counting
//! allocator for allocation counts and peak heap use. Timings are wall-clock medians; see
//! BENCHMARKS.md for the machine and the commands.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts allocations and tracks current and peak heap bytes, for the whole process, but only while
/// a measurement asks for it: otherwise its atomics would slow down the timings it sits under.
pub struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations made while `f` runs.
pub fn allocations_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let out = f();
    COUNTING.store(false, Ordering::Relaxed);
    (out, ALLOCATIONS.load(Ordering::Relaxed) - before)
}

/// The heap's high-water mark while `f` runs, above what was live when it started. Frees of memory
/// allocated before are not seen, so the figure errs high, never low.
pub fn peak_bytes_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    CURRENT.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let out = f();
    COUNTING.store(false, Ordering::Relaxed);
    (out, PEAK.load(Ordering::Relaxed))
}

/// CPU time (user + system, every thread) of this process so far, or of its finished children.
pub fn cpu_time(children: bool) -> Duration {
    let who = if children { libc::RUSAGE_CHILDREN } else { libc::RUSAGE_SELF };
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(who, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    micros(usage.ru_utime) + micros(usage.ru_stime)
}

/// Wall and CPU time of each of `runs` runs of `f`, sorted: median, min and max of each.
pub fn timings(runs: usize, mut f: impl FnMut()) -> (Spread, Spread) {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let (start, start_cpu) = (Instant::now(), cpu_time(false));
        f();
        wall.push(start.elapsed());
        cpu.push(cpu_time(false).saturating_sub(start_cpu));
    }
    (Spread::of(wall), Spread::of(cpu))
}

/// The median of some figures (timings by default; rates or ratios as `f64`), with the smallest
/// and largest.
#[derive(Debug, Clone, Copy)]
pub struct Spread<T = Duration> {
    pub median: T,
    pub min: T,
    pub max: T,
}

impl<T: Copy + PartialOrd> Spread<T> {
    /// The spread of `figures`, which must not be empty.
    pub fn of(mut figures: Vec<T>) -> Spread<T> {
        figures.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        Spread { median: figures[figures.len() / 2], min: figures[0], max: figures[figures.len() - 1] }
    }
}

impl Spread {
    /// `1.23 s (1.20-1.31)`.
    pub fn show(&self) -> String {
        format!("{} ({}-{})", show(self.median), show(self.min), show(self.max))
    }
}

/// The machine's load averages over 1, 5 and 15 minutes, as `/proc/loadavg` has them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The median of `runs` timings of `f`.
pub fn median_of(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The median time of one call of `f`, from `batches` batches of `per_batch` calls: for work too
/// short to time one call at a time.
pub fn median_per_call(batches: usize, per_batch: usize, mut f: impl FnMut()) -> Duration {
    let total = median_of(batches, || {
        for _ in 0..per_batch {
            f();
        }
    });
    total / u32::try_from(per_batch.max(1)).unwrap_or(u32::MAX)
}

/// `1.234 ms`, `56.7 µs`, `890 ns`.
pub fn show(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns >= 1_000_000_000 {
        format!("{:.3} s", d.as_secs_f64())
    } else if ns >= 1_000_000 {
        format!("{:.3} ms", ns as f64 / 1e6)
    } else if ns >= 1_000 {
        format!("{:.2} µs", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

/// One result line: the name, the measured value, the goal, and whether it is met.
pub fn report(name: &str, value: &str, goal: &str, met: bool) {
    println!("{name:<48} {value:>14}   goal {goal:<18} {}", if met { "met" } else { "NOT MET" });
}
