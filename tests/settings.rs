//! The config file's `[shell]` table from the binary: its values apply to
//! a batch, a flag or the environment beats them and a session's `set`
//! beats those, `set` lists each with where it comes from, `save settings`
//! writes the file keeping what was there, and a wrong value is refused
//! with the file, the key, the value and what is accepted (exit code 2).

mod common;

use std::path::{Path, PathBuf};

use common::pty::Terminal;
use common::{Epic, TestDb};

/// A config file with `text` in a directory of its own.
fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write the config file");
    (dir, path)
}

fn epic_with(db: &TestDb, config: &Path) -> Epic {
    db.epic().env("EPIC_CONFIG", config)
}

#[test]
fn the_files_format_applies_to_a_batch_and_set_says_it_comes_from_the_file() {
    let db = TestDb::migrated();
    let (_dir, path) = config_file("[shell]\nformat = \"csv\"\npage_size = 40\n");
    let ran = epic_with(&db, &path)
        .args(["-c", "show employees", "-c", "set"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.starts_with("id,name,email,"), "{}", ran.stdout);
    for line in [
        "setting,value,from",
        "format,csv,config file",
        "pager,on,default",
        "page_size,40,config file",
        "expanded,auto,default",
        "color,auto,default",
        "history_size,10000,default",
        "timing,off,default",
        "default_profile,,default",
    ] {
        assert!(
            ran.stdout.lines().any(|l| l == line),
            "no `{line}` in:\n{}",
            ran.stdout
        );
    }
    let note = format!("(config file: {})", path.display());
    assert!(ran.stderr.contains(&note), "{}", ran.stderr);
}

#[test]
fn a_flag_beats_the_file_and_a_set_in_the_session_beats_the_flag() {
    let db = TestDb::migrated();
    let (_dir, path) = config_file("[shell]\nformat = \"csv\"\n");
    let ran = epic_with(&db, &path)
        .args(["--format", "json", "-c", "set"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let listed: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    assert_eq!(
        listed[0],
        serde_json::json!({"setting": "format", "value": "json", "from": "flag"}),
        "{listed}"
    );
    assert_eq!(listed[7]["value"], serde_json::Value::Null, "{listed}");

    let ran = epic_with(&db, &path)
        .env("EPIC_PAGE_SIZE", "7")
        .args([
            "--format",
            "json",
            "-c",
            "set format csv",
            "-c",
            "set timing on",
        ])
        .args(["-c", "set"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    for line in [
        "format,csv,this session",
        "timing,on,this session",
        "page_size,7,environment",
    ] {
        assert!(ran.stdout.lines().any(|l| l == line), "{line}: {ran:?}");
    }
    let ran = epic_with(&db, &path)
        .env("EPIC_PAGE_SIZE", "7")
        .args(["-c", "set page_size 3", "-c", "set"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout.lines().any(|l| l == "page_size,3,this session"),
        "{ran:?}"
    );
}

#[test]
fn save_settings_writes_the_shell_table_and_keeps_the_comments_and_profiles() {
    let db = TestDb::migrated();
    let kept = "# my connections\n[profiles.staging]\nhost = \"db.staging\" # the replica\n\n\
                [shell]\nformat = \"csv\" # for spreadsheets\npage_size = 30\n";
    let (_dir, path) = config_file(kept);
    let ran = epic_with(&db, &path)
        .args(["-c", "set timing on", "-c", "set format vertical"])
        .args(["-c", "save settings"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let saved = format!("Settings saved to {}.", path.display());
    assert!(ran.stderr.contains(&saved), "{}", ran.stderr);
    let written = std::fs::read_to_string(&path).expect("the file");
    assert!(
        written.starts_with(
            "# my connections\n[profiles.staging]\nhost = \"db.staging\" # the replica\n"
        ),
        "{written}"
    );
    for line in [
        "format = \"vertical\" # for spreadsheets",
        "page_size = 30",
        "timing = \"on\"",
        "pager = \"on\"",
        "expanded = \"auto\"",
    ] {
        assert!(
            written.lines().any(|l| l == line),
            "no `{line}` in:\n{written}"
        );
    }
    // The next run starts from what was saved.
    let ran = epic_with(&db, &path).args(["-c", "set"]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    for record in [
        "setting | format\nvalue   | vertical\nfrom    | config file\n",
        "setting | timing\nvalue   | on\nfrom    | config file\n",
    ] {
        assert!(ran.stdout.contains(record), "{}", ran.stdout);
    }
}

#[test]
fn save_settings_creates_the_file_and_its_directory_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::migrated();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("epic").join("config.toml");
    let ran = epic_with(&db, &path).args(["-c", "set"]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stderr.contains("`save settings` creates it"), "{ran:?}");
    let ran = epic_with(&db, &path)
        .args(["-c", "set pager off", "-c", "save settings"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let mode = std::fs::metadata(&path)
        .expect("created")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(path.parent().expect("a directory"))
        .expect("created")
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    let written = std::fs::read_to_string(&path).expect("the file");
    assert!(written.starts_with("[shell]\n"), "{written}");
    assert!(written.contains("pager = \"off\"\n"), "{written}");
}

#[test]
fn a_wrong_value_or_key_is_refused_clearly_with_the_usage_code() {
    let cases = [
        (
            "[shell]\nformat = \"xml\"\n",
            "`format` in [shell] of {path} must be one of `table`, `vertical`, `csv`, `json`, not \"xml\"",
        ),
        (
            "[shell]\nhistory_size = -5\n",
            "`history_size` in [shell] of {path} must be a number of lines from 1 to 1000000, not -5",
        ),
        (
            "[shell]\npaging = \"on\"\n",
            "unknown key `paging` in [shell] of {path}\nhelp: the keys accepted there are `format`, `pager`, \
             `page_size`, `expanded`, `color`, `history_size`, `timing`, `default_profile`",
        ),
    ];
    for (text, message) in cases {
        let (_dir, path) = config_file(text);
        let ran = Epic::new()
            .env("EPIC_CONFIG", &path)
            .args(["-c", "help"])
            .run();
        assert_eq!(ran.code, 2, "{text}: {ran:?}");
        let message = message.replace("{path}", &path.display().to_string());
        assert_eq!(ran.stderr.trim_end(), format!("error: {message}"), "{text}");
        assert!(ran.stdout.is_empty(), "{ran:?}");
    }
}

#[test]
fn the_default_profile_is_the_one_used_unless_a_flag_names_another() {
    let (_dir, path) =
        config_file("[shell]\ndefault_profile = \"prod\"\n\n[profiles.staging]\nhost = \"x\"\n");
    let ran = Epic::new()
        .env("EPIC_CONFIG", &path)
        .args(["-c", "help"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("there is no profile `prod` in"),
        "{}",
        ran.stderr
    );
    let ran = Epic::new()
        .env("EPIC_CONFIG", &path)
        .args(["--profile", "qa", "-c", "help"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("there is no profile `qa` in"),
        "{}",
        ran.stderr
    );
}

#[test]
fn set_alone_and_save_settings_parse_and_print_back() {
    use epic::syntax::{self, Command};
    for (text, command) in [
        ("set", Command::ShowSettings),
        ("  SET ", Command::ShowSettings),
        ("save settings", Command::SaveSettings),
        ("Save Settings", Command::SaveSettings),
        ("set page_size 50", Command::SetPageSize { rows: 50 }),
        (
            "set PAGE_SIZE 1000000",
            Command::SetPageSize { rows: 1_000_000 },
        ),
    ] {
        let parsed = syntax::parse(text).expect(text);
        assert_eq!(parsed, command, "{text}");
        assert_eq!(syntax::parse(&parsed.to_string()), Ok(command), "{text}");
    }
    let error = syntax::parse("save").expect_err("incomplete").to_string();
    assert!(error.contains("`settings`"), "{error}");
    let error = syntax::parse("save setings")
        .expect_err("misspelt")
        .to_string();
    assert!(error.contains("`settings`"), "{error}");
    assert!(syntax::parse("set settings").is_err());
    for text in [
        "set page_size 0",
        "set page_size",
        "set page_size many",
        "set page_size 1000001",
    ] {
        let error = syntax::parse(text).expect_err(text).to_string();
        let range = "`page_size` is a whole number from 1 to 1000000";
        assert!(error.contains(range), "{text}: {error}");
    }
}

#[test]
fn color_always_colours_a_batchs_tables_and_never_or_auto_does_not() {
    let db = TestDb::migrated();
    for (color, bold) in [("always", true), ("never", false), ("auto", false)] {
        let (_dir, path) = config_file(&format!("[shell]\ncolor = \"{color}\"\n"));
        let ran = epic_with(&db, &path)
            .args(["-c", "show employees", "-c", "set format csv"])
            .args(["-c", "show employees"])
            .run();
        assert_eq!(ran.code, 0, "{ran:?}");
        let (table, csv) = ran.stdout.split_once("id,name").expect("both listings");
        assert_eq!(table.contains("\x1b[1m"), bold, "{color}: {table}");
        assert!(!csv.contains('\x1b'), "{color}: CSV is never coloured");
    }
}

#[test]
fn the_files_page_size_cuts_an_interactive_table_and_set_page_size_changes_it() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let config = db.home.path().join("config.toml");
    std::fs::write(&config, "[shell]\npage_size = 4\npager = \"off\"\n").expect("write");
    let mut terminal = Terminal::kates(&db, Some((40, 160)), None);
    terminal.type_line("show clients");
    let text = terminal.text();
    assert!(text.contains("(showing 1 to 4 of "), "{text}");
    terminal.type_line("set page_size 6");
    terminal.type_line("show clients");
    let text = terminal.text();
    assert!(text.contains("(showing 1 to 6 of "), "{text}");
}
