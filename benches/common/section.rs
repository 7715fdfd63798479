//! One bench's section of `BENCH.md`, replaced in place: each bench writes
//! its own and keeps the others'.

/// `document` with the section that starts at `heading` replaced by
/// `section` (which starts with that heading), or added at the end.
pub fn with_section(document: &str, heading: &str, section: &str) -> String {
    match document.find(heading) {
        Some(start) => {
            let rest = &document[start + heading.len()..];
            let end = rest
                .find("\n## ")
                .map_or(document.len(), |at| start + heading.len() + at + 1);
            format!("{}{section}{}", &document[..start], &document[end..])
        }
        None => format!("{}\n\n{section}", document.trim_end()),
    }
}

/// Writes `section` into the repository's `BENCH.md` in place of the one
/// under `heading` (see [`with_section`]), and says so.
pub fn write_section(heading: &str, section: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCH.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, with_section(&old, heading, section)).expect("write BENCH.md");
    eprintln!("wrote {}", path.display());
}
