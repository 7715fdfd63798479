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
