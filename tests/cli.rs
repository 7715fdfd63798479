//! The command line around the shell: completion scripts, the manual, and
//! what a shell command given as a subcommand is told. None of it needs a
//! database, so these run `epic` with no server configured.

use std::process::{Command, Output};

fn epic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_epic"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("epic runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

#[test]
fn the_bash_completion_loads_in_bash_and_completes_epic() {
    let script = epic(&["completions", "bash"]);
    assert!(script.status.success(), "{}", stderr(&script));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("epic.bash");
    std::fs::write(&file, &script.stdout).expect("the script is written");
    let loaded = Command::new("bash")
        .arg("-c")
        .arg("source \"$1\" && complete -p epic")
        .arg("bash")
        .arg(&file)
        .output()
        .expect("bash runs");
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    assert!(stdout(&loaded).contains("epic"), "{}", stdout(&loaded));
    for subcommand in ["db", "demo", "login", "completions", "man"] {
        assert!(stdout(&script).contains(subcommand), "{subcommand} missing");
    }
}

#[test]
fn zsh_and_fish_completions_name_the_subcommands() {
    for shell in ["zsh", "fish"] {
        let script = epic(&["completions", shell]);
        assert!(script.status.success(), "{shell}: {}", stderr(&script));
        let text = stdout(&script);
        for subcommand in ["db", "demo", "whoami", "migrate", "completions"] {
            assert!(text.contains(subcommand), "{shell}: {subcommand} missing");
        }
    }
}

#[test]
fn an_unknown_shell_is_refused_with_the_accepted_ones() {
    let refused = epic(&["completions", "tcsh"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty());
    let message = stderr(&refused);
    assert!(message.contains("'tcsh'"), "{message}");
    for shell in ["bash", "zsh", "fish"] {
        assert!(message.contains(shell), "{shell} missing: {message}");
    }
}

#[test]
fn the_manual_is_a_roff_page_listing_the_subcommands() {
    let page = epic(&["man"]);
    assert!(page.status.success(), "{}", stderr(&page));
    let text = stdout(&page);
    assert!(
        text.lines().any(|line| line.starts_with(".TH epic 1")),
        "{text}"
    );
    for subcommand in ["db", "demo", "login", "passwd", "import", "completions"] {
        assert!(text.contains(subcommand), "{subcommand} missing");
    }
}

#[test]
fn a_shell_command_given_as_a_subcommand_is_shown_how_to_run_it() {
    let refused = epic(&["show", "events", "where", "support", "is", "null"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty());
    let message = stderr(&refused);
    assert!(
        message.contains("`epic show` is not a subcommand"),
        "{message}"
    );
    assert!(
        message.contains(r#"epic -c "show events where support is null""#),
        "{message}"
    );
    assert!(!message.contains("unrecognized subcommand"), "{message}");
}

#[test]
fn the_words_quoted_back_cannot_drive_the_shell_or_the_terminal() {
    let refused = epic(&[
        "count",
        "clients",
        "where",
        "name",
        "=",
        "it's $HOME\u{1b}[31m",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(!message.contains('\u{1b}'), "{message:?}");
    assert!(
        message.contains(r#"epic -c 'count clients where name = it'\''s $HOME�[31m'"#),
        "{message}"
    );
}

#[test]
fn a_word_that_is_no_command_keeps_claps_error() {
    let refused = epic(&["bogus"]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("unrecognized subcommand 'bogus'"),
        "{message}"
    );
    assert!(!message.contains("-c"), "{message}");
}
