//! "Did you mean": the closest known word to a misspelled one.

/// The candidate closest to `word` (case-insensitive optimal string
/// alignment distance), if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = match word.chars().count() {
        0 => return None,
        1..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    candidates
        .into_iter()
        .map(|candidate| (distance(&word, &candidate.to_lowercase()), candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// The names closest to a name that matched nobody, at most three: those
/// of which a word starts with each word typed (`Kate` finds
/// `Kate Hastroff`, `hast` too), else the one a typo away.
pub fn closest_names<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed_words: Vec<String> = typed.split_whitespace().map(str::to_lowercase).collect();
    let names: Vec<&'a str> = names.into_iter().collect();
    let starts: Vec<&'a str> = names
        .iter()
        .copied()
        .filter(|name| {
            let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
            !typed_words.is_empty()
                && typed_words
                    .iter()
                    .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
        })
        .take(3)
        .collect();
    if !starts.is_empty() {
        return starts;
    }
    did_you_mean(typed, names).into_iter().collect()
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`.
pub(super) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typical_typos_find_their_word() {
        let words = ["show", "help", "count", "quit", "set"];
        assert_eq!(did_you_mean("shwo", words), Some("show"));
        assert_eq!(did_you_mean("hlep", words), Some("help"));
        assert_eq!(did_you_mean("cont", words), Some("count"));
        assert_eq!(did_you_mean("SHOW", words), Some("show"));
        assert_eq!(did_you_mean("nonsense", words), None);
        assert_eq!(did_you_mean("", words), None);
    }

    #[test]
    fn a_first_name_a_part_or_a_typo_finds_the_full_name() {
        let names = ["Kate Hastroff", "Aliénor Vichum", "Kevin Durand"];
        assert_eq!(closest_names("Kate", names), ["Kate Hastroff"]);
        assert_eq!(closest_names("hast", names), ["Kate Hastroff"]);
        assert_eq!(closest_names("k", names), ["Kate Hastroff", "Kevin Durand"]);
        assert_eq!(closest_names("Kate Hastrof", names), ["Kate Hastroff"]);
        assert_eq!(closest_names("Alienor Vichum", names), ["Aliénor Vichum"]);
        assert!(closest_names("Nobody", names).is_empty());
        assert!(closest_names("", names).is_empty());
    }
}
