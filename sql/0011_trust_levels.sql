-- Nobody grants what they do not hold, and every rule holds on every path:
-- what the checker refuses, the database refuses too, for updates as well
-- as creations, whoever writes the row.

---------------------------------------------------------------------------
-- Admin is its own trust level.
---------------------------------------------------------------------------

-- Only an admin creates an admin, moves anyone into or out of the admin
-- department, or changes, resets, deactivates or deletes an admin account.
-- Nobody deactivates, deletes or moves their own account. These are rules
-- for sessions (a write with no session is the operator's). And the last
-- active admin always remains, whoever writes: an advisory lock makes two
-- admins removing each other at once take turns, so one of them sees the
-- other gone.
CREATE FUNCTION epic_employee_trust() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_session_employee();
    removes_an_admin boolean := TG_OP <> 'INSERT' AND OLD.department = 'admin' AND OLD.active
        AND (TG_OP = 'DELETE' OR NEW.department <> 'admin' OR NOT NEW.active);
BEGIN
    IF removes_an_admin THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('epic last admin', 0));
        IF NOT EXISTS (SELECT 1 FROM employees e
                       WHERE e.department = 'admin' AND e.active AND e.id <> OLD.id) THEN
            RAISE EXCEPTION 'the last active admin cannot be deactivated, deleted or moved out of the admin department'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF actor IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF epic_session_role() IS DISTINCT FROM 'admin'
       AND ((TG_OP <> 'DELETE' AND NEW.department = 'admin')
            OR (TG_OP <> 'INSERT' AND OLD.department = 'admin')) THEN
        RAISE EXCEPTION 'only an admin may create an admin, change, reset or remove an admin account, or move anyone into or out of the admin department'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.id = actor
       AND (TG_OP = 'DELETE' OR NOT NEW.active OR NEW.department <> OLD.department) THEN
        RAISE EXCEPTION 'nobody may deactivate, delete or change the department of their own account'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER employees_trust BEFORE INSERT OR UPDATE OR DELETE ON employees
    FOR EACH ROW EXECUTE FUNCTION epic_employee_trust();

---------------------------------------------------------------------------
-- SPEC's client rights, exactly.
---------------------------------------------------------------------------

-- Management and admins may reassign a client to another salesperson, and
-- change nothing else on it; its own salesperson edits its fields (row
-- security already keeps them from reassigning it).
CREATE FUNCTION epic_client_rights() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF epic_session_role() IN ('management', 'admin')
       AND (to_jsonb(NEW) - 'sales_contact_id' - 'updated_at')
           IS DISTINCT FROM (to_jsonb(OLD) - 'sales_contact_id' - 'updated_at') THEN
        RAISE EXCEPTION 'only the client''s sales contact may change the details of client %; management may only reassign it', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER clients_rights BEFORE UPDATE ON clients
    FOR EACH ROW EXECUTE FUNCTION epic_client_rights();

---------------------------------------------------------------------------
-- The work flow's invariants, on updates too.
---------------------------------------------------------------------------

-- An event's contract is always signed: when the event is created, when it
-- moves to another contract, and for as long as the contract has events.
CREATE FUNCTION epic_event_contract_signed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    signed boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.contract_id IS NOT DISTINCT FROM OLD.contract_id THEN
        RETURN NEW;
    END IF;
    -- Locked, so that it cannot be unsigned before this event is written.
    SELECT k.signed INTO signed FROM contracts k WHERE k.id = NEW.contract_id FOR SHARE;
    IF signed IS NULL THEN
        RAISE EXCEPTION 'no contract with id %', NEW.contract_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'events_contract_exists';
    END IF;
    IF NOT signed THEN
        RAISE EXCEPTION 'contract % is not signed', NEW.contract_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'events_contract_signed';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER events_contract_signed BEFORE INSERT OR UPDATE OF contract_id ON events
    FOR EACH ROW EXECUTE FUNCTION epic_event_contract_signed();

CREATE FUNCTION epic_contract_keeps_signature() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM events e WHERE e.contract_id = NEW.id) THEN
        RAISE EXCEPTION 'contract % has events: it stays signed', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contracts_signed_with_events';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER contracts_keep_signature BEFORE UPDATE OF signed ON contracts
    FOR EACH ROW WHEN (OLD.signed AND NOT NEW.signed)
    EXECUTE FUNCTION epic_contract_keeps_signature();

-- A client's sales contact is an active salesperson and an event's support
-- contact an active support employee, when the link is made; a missing
-- employee is named as missing.
CREATE OR REPLACE FUNCTION check_employee_department() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    wanted   text := TG_ARGV[1];
    assignee bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    found_employee employees;
BEGIN
    IF assignee IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[0])::bigint IS NOT DISTINCT FROM assignee THEN
        RETURN NEW;
    END IF;
    SELECT * INTO found_employee FROM employees e WHERE e.id = assignee;
    IF found_employee.id IS NULL THEN
        RAISE EXCEPTION 'no employee with id %', assignee
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_TABLE_NAME || '_' || TG_ARGV[0] || '_exists';
    END IF;
    IF found_employee.department IS DISTINCT FROM wanted THEN
        RAISE EXCEPTION 'employee % is not in the % department', assignee, wanted
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_' || TG_ARGV[0] || '_department';
    END IF;
    IF NOT found_employee.active THEN
        RAISE EXCEPTION 'employee % is deactivated', assignee
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_' || TG_ARGV[0] || '_active';
    END IF;
    RETURN NEW;
END $$;

---------------------------------------------------------------------------
-- Client emails are unique, ignoring case: a retried create finds the
-- client it made the first time.
---------------------------------------------------------------------------

DO $$
DECLARE
    shared integer;
BEGIN
    SELECT count(*) INTO shared FROM (
        SELECT lower(email) FROM clients GROUP BY lower(email) HAVING count(*) > 1) d;
    IF shared > 0 THEN
        RAISE EXCEPTION '% client email(s) belong to more than one client: give each client its own before migrating', shared
            USING HINT = 'SELECT lower(email), array_agg(id) FROM clients GROUP BY 1 HAVING count(*) > 1';
    END IF;
END $$;
CREATE UNIQUE INDEX clients_email_key ON clients (lower(email));

---------------------------------------------------------------------------
-- Spraying is throttled: per address, and for the whole server.
---------------------------------------------------------------------------

-- Where a login came from: the client's address (NULL on a Unix socket,
-- where only the machine's own users connect).
ALTER TABLE login_attempts ADD COLUMN address inet;
CREATE INDEX login_attempts_address_idx ON login_attempts (address, at) WHERE kind = 'failure';
CREATE INDEX login_attempts_failures_idx ON login_attempts (at) WHERE kind = 'failure';

ALTER TABLE security_settings
    ADD COLUMN login_address_max_failures integer NOT NULL DEFAULT 30
        CHECK (login_address_max_failures BETWEEN 1 AND 100000),
    ADD COLUMN login_server_max_failures_per_minute integer NOT NULL DEFAULT 120
        CHECK (login_server_max_failures_per_minute BETWEEN 1 AND 100000);

-- A login that waited for another's lock has a now() older than the
-- failure that other one recorded: the minutes left are never more than the
-- cool-down itself.
CREATE OR REPLACE FUNCTION epic_lockout_minutes(email_key text) RETURNS integer
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    WITH settings AS (SELECT * FROM security_settings),
    reset AS (
        SELECT coalesce(max(a.at), '-infinity') AS at FROM login_attempts a
        WHERE a.email_key = epic_lockout_minutes.email_key AND a.kind IN ('success', 'unlock')),
    failures AS (
        SELECT count(*) AS n, max(a.at) AS last
        FROM login_attempts a, reset, settings s
        WHERE a.email_key = epic_lockout_minutes.email_key AND a.kind = 'failure' AND a.at > reset.at
          AND a.at > now() - make_interval(mins => s.login_window_minutes))
    SELECT CASE WHEN f.n >= s.login_max_failures
                     AND f.last + make_interval(mins => s.login_cooldown_minutes) > now()
                THEN least(s.login_cooldown_minutes,
                           ceil(extract(epoch FROM f.last + make_interval(mins => s.login_cooldown_minutes) - now()) / 60)::integer)
           END
    FROM failures f, settings s
$$;

-- Minutes before logins are let through again, and which limit holds them
-- back: this email's, this address's, or the server's. NULL: none.
CREATE FUNCTION epic_login_blocked(email_key text, address inet, OUT limit_hit text, OUT minutes integer)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    settings security_settings;
    failures bigint;
    last_failure timestamptz;
BEGIN
    SELECT * INTO settings FROM security_settings;
    minutes := epic_lockout_minutes(email_key);
    IF minutes IS NOT NULL THEN
        limit_hit := 'email';
        RETURN;
    END IF;
    IF address IS NOT NULL THEN
        SELECT count(*), max(a.at) INTO failures, last_failure FROM login_attempts a
        WHERE a.address = epic_login_blocked.address AND a.kind = 'failure'
          AND a.at > now() - make_interval(mins => settings.login_window_minutes);
        IF failures >= settings.login_address_max_failures
           AND last_failure + make_interval(mins => settings.login_cooldown_minutes) > now() THEN
            limit_hit := 'address';
            minutes := least(settings.login_cooldown_minutes,
                             ceil(extract(epoch FROM last_failure
                                  + make_interval(mins => settings.login_cooldown_minutes) - now()) / 60)::integer);
            RETURN;
        END IF;
    END IF;
    SELECT count(*) INTO failures FROM login_attempts a
    WHERE a.kind = 'failure' AND a.at > now() - interval '1 minute';
    IF failures >= settings.login_server_max_failures_per_minute THEN
        limit_hit := 'server';
        minutes := 1;
    END IF;
END $$;

-- Login, as before, with the address counted. Guesses from one address
-- take turns as guesses for one email do, so a parallel spray is counted.
CREATE OR REPLACE FUNCTION epic_login(email text, password text,
    OUT status text, OUT token text, OUT retry_minutes integer, OUT locked_now boolean,
    OUT who_id bigint, OUT who_name text, OUT who_email text, OUT who_role text,
    OUT session bigint, OUT session_started timestamptz, OUT session_expires timestamptz,
    OUT must_change boolean, OUT unread bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    email_key text := left(lower(btrim(coalesce(epic_login.email, ''))), 254);
    address inet := inet_client_addr();
    settings security_settings;
    found_employee employees;
    blocked record;
BEGIN
    locked_now := false;
    PERFORM pg_advisory_xact_lock(hashtextextended('epic login ' || email_key, 0));
    IF address IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('epic login from ' || host(address), 0));
    END IF;
    SELECT * INTO settings FROM security_settings;
    SELECT * INTO blocked FROM epic_login_blocked(email_key, address);
    IF blocked.limit_hit IS NOT NULL THEN
        status := 'locked ' || blocked.limit_hit;
        retry_minutes := blocked.minutes;
        RETURN;
    END IF;
    SELECT * INTO found_employee FROM employees e WHERE lower(e.email) = email_key;
    IF found_employee.id IS NULL THEN
        PERFORM crypt(coalesce(epic_login.password, ''), gen_salt('bf', settings.bcrypt_cost));
    END IF;
    IF found_employee.id IS NULL OR NOT epic_password_matches(epic_login.password, found_employee.password_hash) THEN
        INSERT INTO login_attempts (email_key, kind, address) VALUES (email_key, 'failure', address);
        SELECT * INTO blocked FROM epic_login_blocked(email_key, address);
        IF blocked.limit_hit IS NOT NULL THEN
            locked_now := true;
            INSERT INTO audit_log (action, detail)
            VALUES ('login locked', jsonb_build_object('email', email_key, 'limit', blocked.limit_hit,
                                                       'address', host(address),
                                                       'after_failures', CASE blocked.limit_hit
                                                           WHEN 'email' THEN settings.login_max_failures
                                                           WHEN 'address' THEN settings.login_address_max_failures
                                                           ELSE settings.login_server_max_failures_per_minute END));
        END IF;
        status := 'wrong';
        RETURN;
    END IF;
    IF NOT found_employee.active THEN
        INSERT INTO login_attempts (email_key, kind, address) VALUES (email_key, 'failure', address);
        status := 'deactivated';
        RETURN;
    END IF;
    INSERT INTO login_attempts (email_key, kind, address) VALUES (email_key, 'success', address);
    session_started := now();
    session_expires := now() + make_interval(hours => settings.session_hours);
    token := epic_token_sign(jsonb_build_object(
        'jti', epic_base64url(gen_random_bytes(16)),
        'sub', found_employee.id::text,
        'iss', 'epic',
        'aud', 'epic-crm',
        'iat', floor(extract(epoch FROM session_started))::bigint,
        'exp', floor(extract(epoch FROM session_expires))::bigint));
    INSERT INTO user_sessions (employee_id, token_hash, created_at, expires_at, last_seen_at)
    VALUES (found_employee.id, epic_token_hash(token), session_started, session_expires, session_started)
    RETURNING id INTO session;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (found_employee.id, found_employee.full_name, 'login', 'session', session,
            jsonb_build_object('expires', session_expires));
    status := 'ok';
    who_id := found_employee.id;
    who_name := found_employee.full_name;
    who_email := found_employee.email;
    who_role := found_employee.department;
    must_change := found_employee.must_change_password;
    unread := (SELECT count(*) FROM notifications n WHERE n.employee_id = found_employee.id AND n.read_at IS NULL);
END $$;

-- `set security` knows the two new limits.
CREATE OR REPLACE FUNCTION epic_set_security(setting text, value integer, OUT old_value integer, OUT new_value integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may change security settings');
    old jsonb;
BEGIN
    SELECT to_jsonb(s) INTO old FROM security_settings s;
    IF setting NOT IN ('session_hours', 'idle_minutes', 'login_max_failures', 'login_window_minutes',
                       'login_cooldown_minutes', 'bcrypt_cost', 'login_address_max_failures',
                       'login_server_max_failures_per_minute') THEN
        RAISE EXCEPTION 'no security setting is named %', setting USING ERRCODE = 'invalid_parameter_value';
    END IF;
    old_value := (old->>setting)::integer;
    UPDATE security_settings s SET
        session_hours = CASE WHEN setting = 'session_hours' THEN value ELSE s.session_hours END,
        idle_minutes = CASE WHEN setting = 'idle_minutes' THEN value ELSE s.idle_minutes END,
        login_max_failures = CASE WHEN setting = 'login_max_failures' THEN value ELSE s.login_max_failures END,
        login_window_minutes = CASE WHEN setting = 'login_window_minutes' THEN value ELSE s.login_window_minutes END,
        login_cooldown_minutes = CASE WHEN setting = 'login_cooldown_minutes' THEN value ELSE s.login_cooldown_minutes END,
        bcrypt_cost = CASE WHEN setting = 'bcrypt_cost' THEN value ELSE s.bcrypt_cost END,
        login_address_max_failures = CASE WHEN setting = 'login_address_max_failures' THEN value
                                          ELSE s.login_address_max_failures END,
        login_server_max_failures_per_minute = CASE WHEN setting = 'login_server_max_failures_per_minute' THEN value
                                                    ELSE s.login_server_max_failures_per_minute END;
    new_value := value;
    INSERT INTO audit_log (actor_id, actor_name, action, detail)
    VALUES (actor, epic_employee_name(actor), 'change security setting',
            jsonb_build_object('setting', setting, 'from', old_value, 'to', new_value));
END $$;
