//! render::width: measuring and cutting text in terminal columns (display
//! width, not bytes or chars), so that accented names and CJK text line up
//! in tables and vertical records.

use std::io;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Align;

/// Display width in terminal columns (Unicode East Asian width, combining
/// marks count zero).
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` so that it fits in `width` columns, ending with `…` when anything
/// was cut. The result is never wider than `width`.
pub fn truncate_to_width(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1; // the ellipsis takes one column
    let mut kept = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        kept.push(ch);
        used += w;
    }
    // Char widths are summed above, but a string's width can differ from the
    // sum (emoji and script ligatures), so check the real width and give up
    // characters until the promise holds.
    while display_width(&kept) > room {
        kept.pop();
    }
    kept.push('…');
    kept
}

/// Like [`truncate_to_width`], but a cut falls between words where that
/// keeps two thirds of what fits (`Salle des fêtes…`, not `Salle des fê…`),
/// with the spaces and commas before it dropped.
pub fn truncate_at_word(s: &str, width: usize) -> String {
    let cut = truncate_to_width(s, width);
    let Some(kept) = cut.strip_suffix('…') else {
        return cut;
    };
    if kept.is_empty() || s[kept.len()..].starts_with(' ') {
        return cut; // the cut already falls between words
    }
    let enough = (display_width(kept) * 2).div_ceil(3).max(1);
    match kept.rfind(' ') {
        Some(at) if display_width(&kept[..at]) >= enough => {
            let mut word = kept[..at]
                .trim_end_matches([' ', ',', ';', ':', '-'])
                .to_owned();
            word.push('…');
            word
        }
        _ => cut,
    }
}

/// Width of the terminal on stdout, or `None` when stdout is not a terminal.
pub fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(io::stdout())
        .map(|(terminal_size::Width(cols), _)| usize::from(cols))
}

/// Pads `s` (already no wider than `width`) to exactly `width` columns.
pub(super) fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(s)));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

pub(super) fn fit(s: &str, width: usize, align: Align) -> String {
    pad(&truncate_to_width(s, width), width, align)
}

#[cfg(test)]
mod tests {
    use super::{display_width, truncate_at_word, truncate_to_width};

    #[test]
    fn truncate_at_word_cuts_between_words_when_it_keeps_enough() {
        for (s, width, expected) in [
            (
                "Salle des fêtes de Mufflins",
                40,
                "Salle des fêtes de Mufflins",
            ),
            ("Salle des fêtes de Mufflins", 18, "Salle des fêtes…"),
            ("Salle des fêtes de Mufflins", 10, "Salle des…"),
            ("53 Rue du Château, 41120 Candé", 20, "53 Rue du Château…"),
            // A word boundary too far back: the plain cut says more.
            ("John Ouick Wedding", 10, "John Ouic…"),
            ("Supercalifragilistic", 8, "Superca…"),
            ("Kate Hastroff", 1, "…"),
        ] {
            let cut = truncate_at_word(s, width);
            assert_eq!(cut, expected, "{s:?} in {width}");
            assert!(display_width(&cut) <= width, "{cut:?} wider than {width}");
        }
    }

    #[test]
    fn display_width_counts_terminal_columns() {
        for (s, width) in [
            ("", 0),
            ("Kate Hastroff", 13),
            ("Aliénor Vichum", 14),
            ("Alie\u{301}nor", 7), // decomposed accent: the mark takes no column
            ("Candé-sur-Beuvron", 17),
            ("東京", 4),
            ("ｴﾋﾟｯｸ", 5), // half-width katakana
            ("…", 1),
        ] {
            assert_eq!(display_width(s), width, "{s:?}");
        }
    }

    #[test]
    fn truncate_to_width_cuts_with_an_ellipsis() {
        for (s, width, expected) in [
            ("Kate Hastroff", 20, "Kate Hastroff"),
            ("Kate Hastroff", 13, "Kate Hastroff"),
            ("Kate Hastroff", 12, "Kate Hastro…"),
            ("Kate Hastroff", 1, "…"),
            ("Kate Hastroff", 0, ""),
            ("", 0, ""),
            ("Aliénor Vichum", 5, "Alié…"),
            ("Alie\u{301}nor", 5, "Alie\u{301}…"), // the mark stays with its letter
            ("東京タワー", 5, "東京…"),
            ("東京タワー", 6, "東京…"), // a wide char does not fit in one column
            ("東京タワー", 10, "東京タワー"),
        ] {
            let cut = truncate_to_width(s, width);
            assert_eq!(cut, expected, "{s:?} in {width}");
            assert!(display_width(&cut) <= width, "{cut:?} wider than {width}");
        }
    }
}
