#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| payspec_fuzz_targets::envelope_http_status(data));
