//! Validating a valid request allocates nothing: paths are only rendered when a violation needs one.
//! A counting global allocator (per thread, so parallel tests do not disturb it) measures that.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use payspec::alipayplus::Amount;
use payspec::linepay::Currency;
use payspec::linepay::pay_preapproved::PayPreapprovedRequest;
use payspec::runtime::{Decimal, Validate};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn validating_valid_requests_allocates_nothing() {
    let linepay = PayPreapprovedRequest::new("商品".repeat(100), Decimal::from_i64(1000), Currency::Jpy, "order-1");
    let mut alipay = payspec::alipayplus::capture::CaptureRequest::new("c-1", "p-1");
    alipay.capture_amount = Some(Amount::new("USD", "5000"));
    assert_eq!(allocations_during(|| assert!(linepay.validate().is_ok())), 0);
    assert_eq!(allocations_during(|| assert!(alipay.validate().is_ok())), 0);
}

#[test]
fn the_counter_sees_allocations() {
    let invalid = PayPreapprovedRequest::new(String::new(), Decimal::from_i64(1), Currency::Jpy, "o");
    assert!(allocations_during(|| assert!(invalid.validate().is_err())) > 0, "a violation allocates its path");
}
