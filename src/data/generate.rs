//! `epic gen`'s bulk rows: employees, clients, contracts and events made by [`Generator`], a
//! pure function of a seed and the server's clock (`fake`'s name lists used as plain pools
//! and a ChaCha8 stream, no per-row `fake` call, so a million events cost the client about
//! two seconds of CPU). Clients and contracts are kept in memory; events are made one at a
//! time while the loader (`db::load::generate`) writes them, so a million never sit there.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use fake::locales::{Data, EN, FR_FR};
use fake::rand::rngs::ChaCha8Rng;
use fake::rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;

use super::pools::{ENGLISH_COMPANIES, FRENCH_COMPANIES};
use super::rows::{
    between, company, daytime, duration, email_domain, email_local, event_kind, location, note,
    person, pick, remaining, unique_email,
};

#[cfg(test)]
mod tests;

/// A strong password for the generated staff, that names none of them.
pub(crate) fn staff_password(staff: &[StaffRow]) -> String {
    loop {
        let password = crate::auth::temporary_password();
        if staff
            .iter()
            .all(|s| crate::auth::check_policy(&password, &s.email, &s.full_name).is_ok())
        {
            return password;
        }
    }
}

/// A generated employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StaffRow {
    pub(crate) full_name: String,
    pub(crate) email: String,
    pub(crate) department: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientRow {
    pub(crate) id: i64,
    pub(crate) full_name: String,
    pub(crate) email: String,
    pub(crate) phone: Option<String>,
    pub(crate) company_name: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) last_contact_at: DateTime<Utc>,
    pub(crate) sales_contact_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContractRow {
    pub(crate) id: i64,
    /// Index of its client in the generated clients.
    pub(crate) client: usize,
    pub(crate) client_id: i64,
    pub(crate) total: Decimal,
    pub(crate) remaining: Decimal,
    pub(crate) signed: bool,
    pub(crate) created_at: DateTime<Utc>,
}

/// An event without its two texts, which go to buffers reused for every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRow {
    pub(crate) id: i64,
    pub(crate) contract_id: i64,
    pub(crate) start_at: DateTime<Utc>,
    pub(crate) end_at: DateTime<Utc>,
    pub(crate) support_contact_id: Option<i64>,
    /// Whether the location buffer holds the event's location.
    pub(crate) location: bool,
    pub(crate) attendees: i32,
    pub(crate) notes: Option<&'static str>,
    pub(crate) created_at: DateTime<Utc>,
}

/// What events are made from: the generated clients and contracts, the signed contracts
/// (by index; events are only held for those) and the support staff.
pub(crate) struct Pools<'a> {
    pub(crate) clients: &'a [ClientRow],
    pub(crate) contracts: &'a [ContractRow],
    pub(crate) signed: Vec<usize>,
    pub(crate) support: &'a [i64],
}

impl<'a> Pools<'a> {
    pub(crate) fn new(
        clients: &'a [ClientRow],
        contracts: &'a [ContractRow],
        support: &'a [i64],
    ) -> Self {
        let signed = (0..contracts.len())
            .filter(|&i| contracts[i].signed)
            .collect();
        Pools {
            clients,
            contracts,
            signed,
            support,
        }
    }
}

/// Bulk rows from a seed and the server's clock. Pure and deterministic.
pub(crate) struct Generator {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
}

impl Generator {
    pub(crate) fn new(seed: u64, now: DateTime<Utc>) -> Generator {
        Generator {
            // Not the demo's stream: its own constant, so the bulk rows do not echo the demo's.
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6765_6e65_7261_7465),
            // Whole seconds, like the demo.
            now: now.trunc_subsecs(0),
        }
    }

    /// `count` employees, a tenth in management and the rest split between sales and support;
    /// emails `first.last@epic.events`, none of `taken` (lowercase).
    pub(crate) fn staff(&mut self, count: usize, mut taken: HashSet<String>) -> Vec<StaffRow> {
        (0..count)
            .map(|i| {
                let (first, last) = person(&mut self.rng, true);
                StaffRow {
                    full_name: format!("{first} {last}"),
                    email: unique_email(&email_local(first, last), "epic.events", &mut taken),
                    department: match i % 10 {
                        0 => "management",
                        1 | 3 | 5 | 7 | 9 => "sales",
                        _ => "support",
                    },
                }
            })
            .collect()
    }

    pub(crate) fn clients(
        &mut self,
        first_id: i64,
        count: usize,
        sales: &[i64],
        mut taken: HashSet<String>,
    ) -> Vec<ClientRow> {
        let rng = &mut self.rng;
        let now = self.now;
        (first_id..)
            .take(count)
            .map(|id| {
                let french = rng.random_bool(0.6);
                let (first, last) = person(rng, french);
                let company_name = rng.random_bool(0.8).then(|| {
                    if french {
                        company(rng, FRENCH_COMPANIES, FR_FR::NAME_LAST_NAME)
                    } else {
                        company(rng, ENGLISH_COMPANIES, EN::NAME_LAST_NAME)
                    }
                });
                let domain = email_domain(rng, company_name.as_deref(), french);
                let local = email_local(first, last);
                let created_at =
                    between(rng, now - Duration::days(5 * 365), now - Duration::days(20));
                ClientRow {
                    id,
                    full_name: format!("{first} {last}"),
                    email: unique_email(&local, &domain, &mut taken),
                    phone: phone(rng),
                    company_name,
                    created_at,
                    last_contact_at: between(rng, created_at, now),
                    sales_contact_id: pick(rng, sales),
                }
            })
            .collect()
    }

    pub(crate) fn contracts(
        &mut self,
        first_id: i64,
        count: usize,
        clients: &[ClientRow],
    ) -> Vec<ContractRow> {
        if clients.is_empty() {
            return Vec::new();
        }
        let rng = &mut self.rng;
        let now = self.now;
        (first_id..)
            .take(count)
            .enumerate()
            .map(|(i, id)| {
                let client = rng.random_range(0..clients.len());
                let owner = &clients[client];
                // Whole euros mostly, as quotes are; the payments below leave cents.
                let total = rng.random_range(500..=80_000_i64) * 100;
                // The first is always signed so that events always have a contract to go to.
                let signed = rng.random_bool(0.7) || i == 0;
                let remaining = remaining(rng, signed, total);
                ContractRow {
                    id,
                    client,
                    client_id: owner.id,
                    total: Decimal::new(total, 2),
                    remaining: Decimal::new(remaining, 2),
                    signed,
                    created_at: between(rng, owner.created_at, now - Duration::days(1)),
                }
            })
            .collect()
    }

    /// One event for a signed contract; its name goes to `name` and its location, when it has
    /// one, to `location` (both cleared first).
    pub(crate) fn event(
        &mut self,
        id: i64,
        pools: &Pools<'_>,
        name: &mut String,
        location: &mut String,
    ) -> EventRow {
        let rng = &mut self.rng;
        let now = self.now;
        let contract = &pools.contracts[pick(rng, &pools.signed)];
        let owner = &pools.clients[contract.client];
        let (kind, host) = event_kind(rng, owner.company_name.as_deref(), &owner.full_name);
        name.clear();
        let _ = write!(name, "{host} {}", kind.name);
        if name.len() > 200 {
            name.clear();
            name.push_str(kind.name);
        }
        let duration = duration(rng, kind);
        // From two years ago to a year ahead, never before the contract.
        let earliest = (now - Duration::days(730)).max(contract.created_at + Duration::days(1));
        let day = between(rng, earliest, now + Duration::days(365));
        // The day is at least one after the contract, so its morning still is after it.
        let start_at = daytime(rng, day);
        let past = start_at < now;
        // Past events had someone; the unassigned ones are mostly ahead, where management acts.
        let assigned = rng.random_bool(if past { 0.97 } else { 0.85 });
        location.clear();
        let has_location = self::location(rng, 0.4, location);
        // Zero is how a planner records "head count not known yet"; a few are huge.
        let attendees = match rng.random_range(0..1000) {
            0..=29 => 0,
            30..=31 => rng.random_range(1_000..=100_000),
            _ => rng.random_range(kind.attendees.0..=kind.attendees.1),
        };
        let notes = note(rng, 0.75);
        let created_at = between(rng, contract.created_at, start_at.min(now));
        EventRow {
            id,
            contract_id: contract.id,
            start_at,
            end_at: start_at + duration,
            support_contact_id: if assigned {
                Some(pick(rng, pools.support))
            } else {
                None
            },
            location: has_location,
            attendees,
            notes,
            created_at,
        }
    }
}

/// Phones as people type them, within the schema's CHECK (digits, spaces, `+-.()`, 6 to 20
/// digits); one client in ten left none. `N` is a digit other than 0.
fn phone(rng: &mut ChaCha8Rng) -> Option<String> {
    let pattern = match rng.random_range(0..20) {
        0 | 1 => return None,
        2..=9 => "0N XX XX XX XX",
        10..=14 => "+33 N XX XX XX XX",
        15 | 16 => "(NXX) XXX-XXXX",
        17 | 18 => "+1 NXX XXX XXXX",
        _ => "+44 20 NXXX XXXX",
    };
    Some(
        pattern
            .chars()
            .map(|c| match c {
                'N' => char::from(b'1' + rng.random_range(0..9u8)),
                'X' => char::from(b'0' + rng.random_range(0..10u8)),
                other => other,
            })
            .collect(),
    )
}
