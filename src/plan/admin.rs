//! The administrative lists, reports and one's notifications.

use super::*;

/// `show sessions`: the live sessions (not revoked, not expired, not idle
/// longer than `idle_seconds`), never their tokens.
pub fn plan_sessions(_: &Authorized<LiveSessions>) -> Plan {
    use ColumnKind::*;
    Plan {
        // The idle limit is the database's, like every security limit.
        sql: "SELECT s.id, e.full_name, e.email, e.department, s.created_at, s.last_seen_at, s.expires_at \
              FROM user_sessions s JOIN employees e ON e.id = s.employee_id CROSS JOIN security_settings c \
              WHERE s.revoked_at IS NULL AND s.expires_at > now() \
                AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes) \
              ORDER BY s.created_at, s.id"
            .to_owned(),
        params: Vec::new(),
        columns: vec![
            col("id", Id),
            col("employee", Text),
            col("email", Text),
            col("role", Text),
            col("logged_in", Timestamp),
            col("last_seen", Timestamp),
            col("expires", Timestamp),
        ],
    }
}

/// `show security`: the security limits, one row each.
pub fn plan_security(_: &Authorized<SecurityLimits>) -> Plan {
    use ColumnKind::*;
    let rows: Vec<String> = crate::model::SECURITY_SETTINGS
        .iter()
        .map(|setting| {
            // Names, meanings and ranges are constants of ours; the column comes from the same list.
            format!(
                "('{}', s.{}, '{} ({} to {})')",
                setting.name, setting.name, setting.meaning, setting.min, setting.max
            )
        })
        .collect();
    Plan {
        sql: format!(
            "SELECT v.setting, v.value, v.meaning FROM security_settings s \
             CROSS JOIN LATERAL (VALUES {}) AS v(setting, value, meaning)",
            rows.join(", ")
        ),
        params: Vec::new(),
        columns: vec![
            col("setting", Text),
            col("value", Integer),
            col("meaning", Text),
        ],
    }
}

/// `report ...`: small summaries; the shell adds bars in the terminal.
pub fn plan_report(report: &Authorized<Report>) -> Plan {
    use ColumnKind::*;
    match report.command() {
        Report::Sales => Plan {
            sql: "SELECT e.id, e.full_name, \
                    (SELECT count(*) FROM clients c WHERE c.sales_contact_id = e.id), \
                    (SELECT count(*) FROM contracts k JOIN clients c ON c.id = k.client_id WHERE c.sales_contact_id = e.id), \
                    (SELECT coalesce(sum(k.total), 0) FROM contracts k JOIN clients c ON c.id = k.client_id \
                      WHERE c.sales_contact_id = e.id AND k.signed), \
                    (SELECT coalesce(sum(k.remaining), 0) FROM contracts k JOIN clients c ON c.id = k.client_id \
                      WHERE c.sales_contact_id = e.id AND k.signed) \
                  FROM employees e WHERE e.department = 'sales' OR EXISTS \
                    (SELECT 1 FROM clients c WHERE c.sales_contact_id = e.id) \
                  ORDER BY 6 DESC, e.full_name"
                .to_owned(),
            params: Vec::new(),
            columns: vec![
                col("id", Id),
                col("salesperson", Text),
                col("clients", Id),
                col("contracts", Id),
                col("signed_total", Money),
                col("due", Money),
            ],
        },
        Report::Events => Plan {
            sql: "SELECT e.id, e.full_name, \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id = e.id AND v.start_at >= now()), \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id = e.id AND v.start_at >= now() \
                      AND v.start_at < now() + interval '30 days') \
                  FROM employees e WHERE e.department = 'support' AND e.active \
                  UNION ALL \
                  SELECT NULL, '(no support)', \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id IS NULL AND v.start_at >= now()), \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id IS NULL AND v.start_at >= now() \
                      AND v.start_at < now() + interval '30 days') \
                  ORDER BY 1 NULLS LAST"
                .to_owned(),
            params: Vec::new(),
            columns: vec![
                col("id", Id),
                col("support", Text),
                col("upcoming", Id),
                col("next_30_days", Id),
            ],
        },
        Report::Unpaid => Plan {
            sql: "SELECT k.id, c.full_name, sales.full_name, k.total, k.remaining, k.created_at \
                  FROM contracts k JOIN clients c ON c.id = k.client_id \
                  JOIN employees sales ON sales.id = c.sales_contact_id \
                  WHERE k.signed AND k.remaining > 0 ORDER BY k.created_at, k.id"
                .to_owned(),
            params: Vec::new(),
            columns: vec![
                col("id", Id),
                col("client", Text),
                col("sales", Text),
                col("total", Money),
                col("due", Money),
                col("created", Timestamp),
            ],
        },
    }
}

/// `show notifications`: the acting employee's, newest first (the
/// database's policy shows nobody else's).
pub fn plan_notifications(_: &Authorized<OwnNotifications>) -> Plan {
    use ColumnKind::*;
    Plan {
        sql: "SELECT n.id, n.created_at, n.event_id, n.message, n.read_at IS NULL \
              FROM notifications n ORDER BY n.created_at DESC, n.id DESC LIMIT 100"
            .to_owned(),
        params: Vec::new(),
        columns: vec![
            col("id", Id),
            col("at", Timestamp),
            col("event", Id),
            col("message", Text),
            col("new", Bool),
        ],
    }
}

/// Marks the acting employee's notifications read.
pub fn plan_notifications_read(_: &Authorized<MarkNotificationsRead>) -> Plan {
    Plan {
        sql: "UPDATE notifications SET read_at = now() WHERE read_at IS NULL".to_owned(),
        params: Vec::new(),
        columns: Vec::new(),
    }
}
