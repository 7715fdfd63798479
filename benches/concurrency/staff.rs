//! The epic side of the concurrency bench: each simulated employee is a
//! tokio task with a `Database` and a `Shell` of its own, logged in as a
//! desk does it, then running its department's working-day mix through
//! `Shell::execute` (parse, check, plan, run: the session check, the row
//! policies and the audit trail all happen) until the phase ends.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use epic::auth::session::PasswordSource;
use epic::config::Config;
use epic::config::settings::Settings;
use epic::db::{Database, Login};
use epic::input::Entry;
use epic::shell::Shell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Login,
    MyEvents,
    NoSupport,
    MyClients,
    Unsigned,
    Unpaid,
    ReadEvent,
    UpdateEvent,
    UpdateClient,
    CreateClient,
}

use Action::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dept {
    Sales,
    Support,
    Management,
}

/// What each department does in a day, in percent of its commands.
const SALES_MIX: &[(u32, Action)] = &[
    (1, Login),
    (20, MyClients),
    (10, Unsigned),
    (10, Unpaid),
    (30, ReadEvent),
    (15, UpdateClient),
    (14, CreateClient),
];
const SUPPORT_MIX: &[(u32, Action)] = &[
    (1, Login),
    (44, MyEvents),
    (35, ReadEvent),
    (20, UpdateEvent),
];
const MANAGEMENT_MIX: &[(u32, Action)] = &[
    (1, Login),
    (25, NoSupport),
    (10, Unsigned),
    (10, Unpaid),
    (35, ReadEvent),
    (19, UpdateEvent),
];

impl Dept {
    pub fn from_department(name: &str) -> Option<Dept> {
        match name {
            "sales" => Some(Dept::Sales),
            "support" => Some(Dept::Support),
            "management" => Some(Dept::Management),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dept::Sales => "sales",
            Dept::Support => "support",
            Dept::Management => "management",
        }
    }

    /// How pgbench's script tells the departments apart.
    pub fn code(self) -> i32 {
        self as i32 + 1
    }

    pub fn mix(self) -> &'static [(u32, Action)] {
        match self {
            Dept::Sales => SALES_MIX,
            Dept::Support => SUPPORT_MIX,
            Dept::Management => MANAGEMENT_MIX,
        }
    }

    pub const ALL: [Dept; 3] = [Dept::Sales, Dept::Support, Dept::Management];
}

/// A part of a text that changes from one command to the next: written
/// once here, rendered for epic and turned into a SQL expression for
/// pgbench, so both send the same values.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Lit(&'static str),
    /// The phase's name (`-D phase=...` in pgbench).
    Phase,
    /// The employee's number among the simulated staff (`:client_id`).
    Index,
    /// The employee's running command number (`:n`).
    N,
}

pub const NOTES: &[Part] = &[Part::Lit("Checked in round "), Part::N];
pub const COMPANY: &[Part] = &[Part::Lit("Company of round "), Part::N];
pub const CLIENT_NAME: &[Part] = &[
    Part::Lit("Bench Client "),
    Part::Index,
    Part::Lit(" "),
    Part::N,
];
pub const CLIENT_EMAIL: &[Part] = &[
    Part::Lit("bench."),
    Part::Phase,
    Part::Lit("."),
    Part::Index,
    Part::Lit("."),
    Part::N,
    Part::Lit("@concurrency.example"),
];

pub fn render(parts: &[Part], phase: &str, index: usize, n: u64) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Lit(text) => (*text).to_owned(),
            Part::Phase => phase.to_owned(),
            Part::Index => index.to_string(),
            Part::N => n.to_string(),
        })
        .collect()
}

/// One simulated employee.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Their number among the staff (pgbench's `:client_id`).
    pub index: usize,
    pub id: i64,
    pub email: String,
    pub name: String,
    pub dept: Dept,
    /// What they update: an event they support (support), an event with
    /// no support yet (management), a client of their own (sales).
    pub record: i64,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Login => "login",
            MyEvents => "show events where support is me",
            NoSupport => "show events where support is none",
            MyClients => "show clients where sales is me",
            Unsigned => "show contracts where signed = false",
            Unpaid => "show contracts where remaining > 0",
            ReadEvent => "show event N",
            UpdateEvent => "update event N set notes = \"...\"",
            UpdateClient => "update client N set company = \"...\"",
            CreateClient => "create client ...",
        }
    }

    /// The command line `staff` types in round `n` (reading `event`);
    /// none for a login, which is not a line of the shell here.
    pub fn command(self, staff: &Staff, phase: &str, n: u64, event: i64) -> Option<String> {
        let text = |parts| render(parts, phase, staff.index, n);
        Some(match self {
            Login => return None,
            ReadEvent => format!("show event {event}"),
            UpdateEvent => format!(
                "update event {} set notes = \"{}\"",
                staff.record,
                text(NOTES)
            ),
            UpdateClient => format!(
                "update client {} set company = \"{}\"",
                staff.record,
                text(COMPANY)
            ),
            CreateClient => format!(
                "create client name \"{}\" email \"{}\" phone \"+33 6 12 34 56 78\" company \"Bench & Co\"",
                text(CLIENT_NAME),
                text(CLIENT_EMAIL)
            ),
            listing => listing.label().to_owned(),
        })
    }
}

/// Picks an action from a mix, by its weights.
pub fn pick(mix: &[(u32, Action)], rng: &mut StdRng) -> Action {
    let total: u32 = mix.iter().map(|(w, _)| w).sum();
    let mut r = rng.random_range(0..total);
    for (weight, action) in mix {
        if r < *weight {
            return *action;
        }
        r -= weight;
    }
    unreachable!("the weights add up")
}

/// Where the desks connect and what they log in with.
#[derive(Clone)]
pub struct Desk {
    pub url: String,
    pub client_password: String,
    pub staff_password: String,
    pub home: PathBuf,
}

impl Desk {
    /// The configuration a desk of `staff` reads: its own session file,
    /// everything under the bench's own directory.
    pub fn config(&self, staff: &Staff) -> Config {
        let home = self.home.display().to_string();
        let session = self.home.join(format!("staff-{}.session", staff.index));
        let env = [
            ("DATABASE_URL", self.url.clone()),
            ("PGPASSWORD", self.client_password.clone()),
            ("EPIC_SESSION_FILE", session.display().to_string()),
            ("EPIC_DATA_DIR", home.clone()),
            ("EPIC_CONFIG", format!("{home}/config.toml")),
            ("NO_COLOR", "1".to_owned()),
        ];
        Config::from_lookup(|name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.clone())
        })
        .expect("a configuration")
    }

    pub fn session_file(&self, staff: &Staff) -> PathBuf {
        self.config(staff).session_file
    }
}

/// A login as `epic login` does it: a new connection, the login, the
/// token in the session file; then a shell on that connection, whose
/// first command reads the file and checks the session.
pub async fn log_in(desk: &Desk, staff: &Staff) -> Result<Shell, String> {
    let config = desk.config(staff);
    let mut database = Database::connect(&config, Login::Client)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let logged_in = epic::auth::login(&mut database, &staff.email, &desk.staff_password)
        .await
        .map_err(|e| format!("login: {e}"))?;
    epic::auth::session_file::write(&config.session_file, &logged_in.token)
        .map_err(|e| format!("session file: {e}"))?;
    Shell::new(
        config,
        database,
        Settings::default(),
        true,
        false,
        PasswordSource::Unavailable,
    )
    .map_err(|e| format!("shell: {e}"))
}

/// Runs one command line in `shell`, its output discarded.
pub async fn run_line(shell: &mut Shell, line: String) -> Result<(), String> {
    let entry = Entry {
        first_line: 1,
        text: line,
    };
    shell
        .execute(&entry, &mut std::io::sink(), &mut std::io::sink())
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// What one phase measured.
#[derive(Default)]
pub struct Outcome {
    pub latencies: Vec<(Action, Duration)>,
    pub errors: Vec<(Action, String)>,
    pub elapsed: Duration,
    /// CPU time this process used during the phase (user and system).
    pub cpu: Duration,
    /// Logins that failed before the phase began.
    pub setup_errors: Vec<String>,
}

/// The phase's shared plan: how long, which events are read, and its name
/// (in the emails of the clients it creates).
pub struct Phase {
    pub name: String,
    pub duration: Duration,
    pub events: (i64, i64),
    /// The mean pause between one employee's commands (exponentially
    /// distributed), or none: the next command at once.
    pub think: Option<Duration>,
}

/// Runs `staff` at once, split over `threads` threads (each a tokio
/// runtime of its own, as pgbench's `-j`), every one logged in first, then
/// all starting together.
pub fn run(staff: &[Staff], desk: &Desk, phase: &Phase, threads: usize) -> Outcome {
    let barrier = Arc::new(tokio::sync::Barrier::new(staff.len() + 1));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|thread| {
                let mine: Vec<Staff> = staff
                    .iter()
                    .skip(thread)
                    .step_by(threads)
                    .cloned()
                    .collect();
                let barrier = barrier.clone();
                scope.spawn(move || one_thread(mine, desk, phase, barrier))
            })
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(barrier.wait());
        let started = Instant::now();
        let cpu = cpu_time();
        let mut outcome = Outcome::default();
        for handle in handles {
            let part = handle.join().expect("a staff thread");
            outcome.latencies.extend(part.latencies);
            outcome.errors.extend(part.errors);
            outcome.setup_errors.extend(part.setup_errors);
        }
        outcome.elapsed = started.elapsed();
        outcome.cpu = cpu_time() - cpu;
        outcome
    })
}

fn one_thread(
    staff: Vec<Staff>,
    desk: &Desk,
    phase: &Phase,
    barrier: Arc<tokio::sync::Barrier>,
) -> Outcome {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let local = tokio::task::LocalSet::new();
    let outcome = std::rc::Rc::new(std::cell::RefCell::new(Outcome::default()));
    for one in staff {
        let (desk, barrier, outcome) = (desk.clone(), barrier.clone(), outcome.clone());
        let plan = Phase {
            name: phase.name.clone(),
            ..*phase
        };
        local.spawn_local(async move {
            let day = Day {
                desk,
                staff: one,
                plan,
            };
            day.work(barrier, outcome).await;
        });
    }
    runtime.block_on(local);
    std::rc::Rc::try_unwrap(outcome)
        .ok()
        .expect("every task ended")
        .into_inner()
}

/// One employee's day.
struct Day {
    desk: Desk,
    staff: Staff,
    plan: Phase,
}

impl Day {
    async fn work(
        self,
        barrier: Arc<tokio::sync::Barrier>,
        outcome: std::rc::Rc<std::cell::RefCell<Outcome>>,
    ) {
        let first = log_in(&self.desk, &self.staff).await;
        barrier.wait().await;
        let mut shell = match first {
            Ok(shell) => shell,
            Err(e) => {
                outcome.borrow_mut().setup_errors.push(e);
                return;
            }
        };
        let mut rng = StdRng::seed_from_u64(self.staff.index as u64);
        let deadline = Instant::now() + self.plan.duration;
        let mut n = 0;
        // At a pace, the first command too comes after a pause, or all
        // would arrive at once.
        self.think(&mut rng, deadline).await;
        while Instant::now() < deadline {
            n += 1;
            let action = pick(self.staff.dept.mix(), &mut rng);
            let event = rng.random_range(self.plan.events.0..=self.plan.events.1);
            let started = Instant::now();
            let result = match action.command(&self.staff, &self.plan.name, n, event) {
                Some(line) => run_line(&mut shell, line).await,
                None => log_in(&self.desk, &self.staff).await.map(|new| shell = new),
            };
            let took = started.elapsed();
            {
                let mut outcome = outcome.borrow_mut();
                outcome.latencies.push((action, took));
                if let Err(e) = result {
                    outcome.errors.push((action, e));
                }
            }
            self.think(&mut rng, deadline).await;
        }
    }

    /// The pause before the next command, if the phase has a pace:
    /// exponential, so arrivals are a Poisson stream, as pgbench's `-R`
    /// schedules them.
    /// Never past the phase's end, which would stretch its measured time.
    async fn think(&self, rng: &mut StdRng, deadline: Instant) {
        if let Some(mean) = self.plan.think {
            let u: f64 = rng.random_range(f64::EPSILON..1.0);
            let left = deadline.saturating_duration_since(Instant::now());
            tokio::time::sleep(mean.mul_f64(-u.ln()).min(left)).await;
        }
    }
}

/// The token each employee's session file holds now.
pub fn tokens(staff: &[Staff], desk: &Desk) -> Vec<String> {
    staff
        .iter()
        .map(|one| read_token(&desk.session_file(one)))
        .collect()
}

fn read_token(path: &Path) -> String {
    epic::auth::session_file::read(path)
        .expect("a session file")
        .expect("a token")
}

/// The CPU time (user and system) this process has used.
pub fn cpu_time() -> Duration {
    rusage_time(libc::RUSAGE_SELF)
}

/// The CPU time (user and system) of `who` (`RUSAGE_SELF`, `RUSAGE_CHILDREN`).
pub fn rusage_time(who: libc::c_int) -> Duration {
    // SAFETY: rusage is plain data, zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut usage) };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}
