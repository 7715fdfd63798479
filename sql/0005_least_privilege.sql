-- Least privilege, enforced by the database too.
--
-- Commands run as `epic_app`: a role that owns nothing and cannot bypass
-- row-level security. epic switches to it for each transaction
-- (`SET LOCAL ROLE epic_app`) and names the session it acts for in a
-- transaction-local setting, `epic.session`, holding the SHA-256 of the
-- session id. The policies below never trust a number the client claims:
-- they ask `epic_session_employee()`, which checks that session against
-- user_sessions (not revoked, not expired, employee active).
--
-- The schema owner (who runs the migrations, the first-run setup, and the
-- identity gate itself: login, the per-command session check, logout,
-- password change) keeps full access through an `owner_all` policy on each
-- table, since FORCE ROW LEVEL SECURITY applies to owners too.

-- epic_app is created by the DBA (`epic db roles`) before the first
-- migration, with the other roles: creating roles takes CREATEROLE, which
-- nothing that runs epic should hold. (This file first created it here;
-- the change was made in place, and the migration runner accepts the
-- earlier text as applied.)

GRANT USAGE ON SCHEMA public TO epic_app;

-- Who is acting: the employee of the session named by `epic.session`, if
-- that session is alive. Evaluated once per statement in the policies (as a
-- scalar sub-select), not once per row.
CREATE FUNCTION epic_session_employee() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT s.employee_id
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id
    WHERE s.token_hash = decode(nullif(current_setting('epic.session', true), ''), 'hex')
      AND s.revoked_at IS NULL AND s.expires_at > now() AND e.active
$$;

CREATE FUNCTION epic_session_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT e.department
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id
    WHERE s.token_hash = decode(nullif(current_setting('epic.session', true), ''), 'hex')
      AND s.revoked_at IS NULL AND s.expires_at > now() AND e.active
$$;

REVOKE EXECUTE ON FUNCTION epic_session_employee() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION epic_session_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_session_employee() TO epic_app;
GRANT EXECUTE ON FUNCTION epic_session_role() TO epic_app;

-- Every table: row security on and forced, full access for the owner.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['employees', 'clients', 'contracts', 'events', 'user_sessions',
                             'audit_log', 'notifications', 'login_attempts', 'epic_schema_migrations']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY owner_all ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    END LOOP;
END $$;

-- Reading: every logged-in employee reads clients, contracts, events and
-- the employee directory, never password hashes (no column privilege).
GRANT SELECT ON clients, contracts, events TO epic_app;
GRANT SELECT (id, full_name, email, department, must_change_password, active, created_at, updated_at)
    ON employees TO epic_app;

CREATE POLICY app_read ON employees FOR SELECT TO epic_app
    USING ((SELECT epic_session_employee()) IS NOT NULL);
CREATE POLICY app_read ON clients FOR SELECT TO epic_app
    USING ((SELECT epic_session_employee()) IS NOT NULL);
CREATE POLICY app_read ON contracts FOR SELECT TO epic_app
    USING ((SELECT epic_session_employee()) IS NOT NULL);
CREATE POLICY app_read ON events FOR SELECT TO epic_app
    USING ((SELECT epic_session_employee()) IS NOT NULL);

-- management (and admin): create, update, delete employees.
GRANT INSERT, DELETE ON employees TO epic_app;
GRANT UPDATE (full_name, email, department, password_hash, must_change_password, active, updated_at)
    ON employees TO epic_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO epic_app;
CREATE POLICY app_manage ON employees FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) IN ('management', 'admin'));
CREATE POLICY app_manage_update ON employees FOR UPDATE TO epic_app
    USING ((SELECT epic_session_role()) IN ('management', 'admin'))
    WITH CHECK ((SELECT epic_session_role()) IN ('management', 'admin'));
CREATE POLICY app_manage_delete ON employees FOR DELETE TO epic_app
    USING ((SELECT epic_session_role()) IN ('management', 'admin'));

-- sales: create clients owned by themselves; update their own clients, not
-- the owner (the new row must still be theirs); management reassigns.
GRANT INSERT, UPDATE ON clients TO epic_app;
CREATE POLICY app_create ON clients FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) = 'sales'
                AND sales_contact_id = (SELECT epic_session_employee()));
CREATE POLICY app_update ON clients FOR UPDATE TO epic_app
    USING ((SELECT epic_session_role()) IN ('management', 'admin')
           OR ((SELECT epic_session_role()) = 'sales' AND sales_contact_id = (SELECT epic_session_employee())))
    WITH CHECK ((SELECT epic_session_role()) IN ('management', 'admin')
           OR ((SELECT epic_session_role()) = 'sales' AND sales_contact_id = (SELECT epic_session_employee())));

-- management: create and update all contracts; sales: update the contracts
-- of their own clients.
GRANT INSERT, UPDATE ON contracts TO epic_app;
CREATE POLICY app_create ON contracts FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) IN ('management', 'admin'));
CREATE POLICY app_update ON contracts FOR UPDATE TO epic_app
    USING ((SELECT epic_session_role()) IN ('management', 'admin')
           OR ((SELECT epic_session_role()) = 'sales' AND EXISTS (
                SELECT 1 FROM clients c
                WHERE c.id = contracts.client_id AND c.sales_contact_id = (SELECT epic_session_employee()))))
    WITH CHECK ((SELECT epic_session_role()) IN ('management', 'admin')
           OR ((SELECT epic_session_role()) = 'sales' AND EXISTS (
                SELECT 1 FROM clients c
                WHERE c.id = contracts.client_id AND c.sales_contact_id = (SELECT epic_session_employee()))));

-- sales: create an event for their own client whose contract is signed,
-- without a support contact; management: update all events; support:
-- update the events they support (not the contract, not the support contact).
GRANT INSERT, UPDATE ON events TO epic_app;
CREATE POLICY app_create ON events FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) = 'sales'
                AND support_contact_id IS NULL
                AND EXISTS (SELECT 1 FROM contracts k JOIN clients c ON c.id = k.client_id
                            WHERE k.id = events.contract_id AND k.signed
                              AND c.sales_contact_id = (SELECT epic_session_employee())));
CREATE POLICY app_update ON events FOR UPDATE TO epic_app
    USING ((SELECT epic_session_role()) IN ('management', 'admin')
           OR ((SELECT epic_session_role()) = 'support' AND support_contact_id = (SELECT epic_session_employee())))
    WITH CHECK ((SELECT epic_session_role()) IN ('management', 'admin')
           OR ((SELECT epic_session_role()) = 'support' AND support_contact_id = (SELECT epic_session_employee())));

-- Rows cannot say "support may change these columns but not those": a
-- trigger refuses a support employee's change of contract or support contact.
CREATE FUNCTION events_support_limits() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF current_user = 'epic_app' AND epic_session_role() = 'support'
       AND (NEW.contract_id IS DISTINCT FROM OLD.contract_id
            OR NEW.support_contact_id IS DISTINCT FROM OLD.support_contact_id) THEN
        RAISE EXCEPTION 'support staff may not change an event''s contract or support contact'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_support_limits BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_support_limits();

-- Sessions: an employee sees and ends their own; an admin anyone's. Never
-- the token hash.
GRANT SELECT (id, employee_id, created_at, expires_at, last_seen_at, revoked_at) ON user_sessions TO epic_app;
GRANT UPDATE (revoked_at) ON user_sessions TO epic_app;
CREATE POLICY app_read ON user_sessions FOR SELECT TO epic_app
    USING ((SELECT epic_session_role()) = 'admin' OR employee_id = (SELECT epic_session_employee()));
CREATE POLICY app_revoke ON user_sessions FOR UPDATE TO epic_app
    USING ((SELECT epic_session_role()) = 'admin' OR employee_id = (SELECT epic_session_employee()))
    WITH CHECK ((SELECT epic_session_role()) = 'admin' OR employee_id = (SELECT epic_session_employee()));

-- The audit trail: written in the actor's own name, read by management and admins.
GRANT INSERT, SELECT ON audit_log TO epic_app;
CREATE POLICY app_write ON audit_log FOR INSERT TO epic_app
    WITH CHECK (actor_id = (SELECT epic_session_employee()));
CREATE POLICY app_read ON audit_log FOR SELECT TO epic_app
    USING ((SELECT epic_session_role()) IN ('management', 'admin'));

-- Notifications: each employee their own.
GRANT SELECT, UPDATE (read_at) ON notifications TO epic_app;
CREATE POLICY app_own ON notifications FOR SELECT TO epic_app
    USING (employee_id = (SELECT epic_session_employee()));
CREATE POLICY app_own_update ON notifications FOR UPDATE TO epic_app
    USING (employee_id = (SELECT epic_session_employee()))
    WITH CHECK (employee_id = (SELECT epic_session_employee()));

-- Lock-outs: only an admin lifts one (the failures are written by login).
GRANT INSERT ON login_attempts TO epic_app;
CREATE POLICY app_unlock ON login_attempts FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) = 'admin' AND kind = 'unlock');

-- A reset password (a new hash that must be changed) ends every session of
-- its employee, whoever resets it; changing one's own password keeps the
-- current session (the application revokes the others).
CREATE FUNCTION revoke_sessions_on_password_reset() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE user_sessions SET revoked_at = now()
    WHERE employee_id = NEW.id AND revoked_at IS NULL;
    RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION revoke_sessions_on_password_reset() FROM PUBLIC;

CREATE TRIGGER employees_password_reset_revokes_sessions
    AFTER UPDATE OF password_hash ON employees
    FOR EACH ROW WHEN (NEW.password_hash IS DISTINCT FROM OLD.password_hash AND NEW.must_change_password)
    EXECUTE FUNCTION revoke_sessions_on_password_reset();
