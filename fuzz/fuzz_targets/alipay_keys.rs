#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| payspec_fuzz_targets::alipay_keys(data));
