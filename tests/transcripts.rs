//! Runs every transcript in `tests/transcripts/` (see `common/transcript.rs`).

mod common;

#[test]
fn transcripts() {
    common::transcript::run_all(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts"),
    );
}
