-- When a session is alive is written once. Until now every definer
-- function that looks a session up wrote the rule out itself (not revoked,
-- not past its expiry, seen within the idle limit), nine times over;
-- `epic_session_state` now says it, and each of them asks it. Nothing
-- answers differently: the functions below keep their signatures, their
-- attributes, their grants and what they do.
--
-- A session is one of:
--   revoked  someone ended it (a logout, an admin, a password change)
--   expired  past the end it was given at login
--   idle     no command for longer than `idle_minutes`
--   ok       alive: the only state a command may act in
-- Revoked and expired sessions are ended; an idle one is no longer usable
-- but not ended yet, so a logout or a password change still ends it.
-- (Whether its employee may act, active and not holding a temporary
-- password, is the employee's, checked beside it.)

-- The state of a session, from its row: STABLE, read in the statement's
-- own snapshot, so it agrees with the statement asking. Owned by the owner
-- and executed by nobody else: the definer functions that call it run as
-- the owner.
CREATE FUNCTION epic_session_state(revoked_at timestamptz, expires_at timestamptz,
                                   last_seen_at timestamptz) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN CASE
        WHEN revoked_at IS NOT NULL THEN 'revoked'
        WHEN expires_at <= now() THEN 'expired'
        WHEN last_seen_at <= now() - make_interval(mins => (SELECT c.idle_minutes FROM security_settings c))
            THEN 'idle'
        ELSE 'ok' END;
END $$;

REVOKE ALL ON FUNCTION epic_session_state(timestamptz, timestamptz, timestamptz) FROM PUBLIC;

---------------------------------------------------------------------------
-- Who is acting (the policies ask), as in 0009.
---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION epic_session_employee() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT s.employee_id
            FROM user_sessions s JOIN employees e ON e.id = s.employee_id
            WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
              AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok'
              AND e.active AND NOT e.must_change_password);
END $$;

CREATE OR REPLACE FUNCTION epic_session_role() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT e.department
            FROM user_sessions s JOIN employees e ON e.id = s.employee_id
            WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
              AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok'
              AND e.active AND NOT e.must_change_password);
END $$;

---------------------------------------------------------------------------
-- The client login's identity functions, as in 0009.
---------------------------------------------------------------------------

-- The session check: `state` is the session's, or `deactivated` when its
-- employee is, before anything else.
CREATE OR REPLACE FUNCTION epic_session_check(token text,
    OUT state text, OUT who_id bigint, OUT who_name text, OUT who_email text, OUT who_role text,
    OUT session bigint, OUT session_started timestamptz, OUT session_expires timestamptz,
    OUT must_change boolean, OUT idle_minutes integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    WITH settings AS (SELECT c.idle_minutes AS idle FROM security_settings c),
    found AS (
        SELECT s.id, s.created_at, s.expires_at, s.last_seen_at, s.revoked_at,
               e.id AS employee, e.full_name, e.email, e.department, e.active, e.must_change_password
        FROM user_sessions s JOIN employees e ON e.id = s.employee_id
        WHERE s.token_hash = sha256(convert_to(token, 'UTF8'))
          AND split_part(token, '.', 1) = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'
          AND split_part(token, '.', 3) = (
              SELECT translate(encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
                         split_part(token, '.', 1) || '.' || split_part(token, '.', 2), 'UTF8'))),
                         'base64'), E'+/=\n', '-_')
              FROM token_keys k WHERE k.id = 1)),
    judged AS (
        SELECT f.*, CASE
                   WHEN NOT f.active THEN 'deactivated'
                   ELSE epic_session_state(f.revoked_at, f.expires_at, f.last_seen_at) END AS verdict
        FROM found f),
    seen AS (
        UPDATE user_sessions u SET last_seen_at = now() FROM judged j
        WHERE u.id = j.id AND j.verdict = 'ok' AND j.last_seen_at < now() - interval '5 seconds')
    SELECT coalesce(j.verdict, 'unknown'),
           CASE WHEN j.verdict = 'ok' THEN j.employee END,
           CASE WHEN j.verdict = 'ok' THEN j.full_name END,
           CASE WHEN j.verdict = 'ok' THEN j.email END,
           CASE WHEN j.verdict = 'ok' THEN j.department END,
           CASE WHEN j.verdict = 'ok' THEN j.id END,
           CASE WHEN j.verdict = 'ok' THEN j.created_at END,
           CASE WHEN j.verdict = 'ok' THEN j.expires_at END,
           CASE WHEN j.verdict = 'ok' THEN j.must_change_password END,
           st.idle
    FROM settings st LEFT JOIN judged j ON true
$$;

CREATE OR REPLACE FUNCTION epic_expect_session(token text, employee bigint, department text, full_name text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    seen timestamptz;
BEGIN
    SELECT s.last_seen_at INTO seen
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id
    WHERE s.token_hash = sha256(convert_to(epic_expect_session.token, 'UTF8')) AND s.employee_id = employee
      AND e.department = epic_expect_session.department AND e.full_name = epic_expect_session.full_name
      AND e.active AND NOT e.must_change_password
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session is not the one expected' USING ERRCODE = 'EP001';
    END IF;
    IF seen < now() - interval '5 seconds' THEN
        UPDATE user_sessions s SET last_seen_at = now()
        WHERE s.token_hash = sha256(convert_to(epic_expect_session.token, 'UTF8'));
    END IF;
END $$;

-- Ends the token's session if it is not ended yet (an idle one too).
CREATE OR REPLACE FUNCTION epic_logout(token text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    ended user_sessions;
BEGIN
    UPDATE user_sessions s SET revoked_at = now()
    WHERE s.token_hash = epic_token_hash(epic_logout.token)
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) IN ('ok', 'idle')
    RETURNING * INTO ended;
    IF ended.id IS NULL THEN
        RETURN false;
    END IF;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (ended.employee_id, epic_employee_name(ended.employee_id), 'logout', 'session', ended.id, '{}');
    RETURN true;
END $$;

-- `passwd`, for an alive session; every other session of the employee not
-- ended yet ends. (Those are found by `revoked_at IS NULL` as well, which
-- the rule implies: the index of unrevoked sessions serves the look-up.)
CREATE OR REPLACE FUNCTION epic_change_password(token text, current_password text, new_password text,
    OUT status text, OUT revoked integer, OUT retry_minutes integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    found_session user_sessions;
    found_employee employees;
    email_key text;
BEGIN
    revoked := 0;
    SELECT s.* INTO found_session
    FROM user_sessions s
    WHERE s.token_hash = epic_token_hash(epic_change_password.token)
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok';
    SELECT * INTO found_employee FROM employees e WHERE e.id = found_session.employee_id AND e.active;
    IF found_employee.id IS NULL THEN
        status := 'not logged in';
        RETURN;
    END IF;
    email_key := lower(found_employee.email);
    PERFORM pg_advisory_xact_lock(hashtextextended('epic login ' || email_key, 0));
    retry_minutes := epic_lockout_minutes(email_key);
    IF retry_minutes IS NOT NULL THEN
        status := 'locked';
        RETURN;
    END IF;
    IF NOT epic_password_matches(current_password, found_employee.password_hash) THEN
        INSERT INTO login_attempts (email_key, kind) VALUES (email_key, 'failure');
        status := 'wrong';
        RETURN;
    END IF;
    IF current_password = new_password THEN
        status := 'same';
        RETURN;
    END IF;
    IF NOT epic_password_acceptable(new_password, found_employee.email, found_employee.full_name) THEN
        status := 'weak';
        RETURN;
    END IF;
    UPDATE employees e SET password_hash = epic_bcrypt(new_password), must_change_password = false, updated_at = now()
    WHERE e.id = found_employee.id;
    UPDATE user_sessions s SET revoked_at = now()
    WHERE s.employee_id = found_employee.id AND s.id <> found_session.id AND s.revoked_at IS NULL
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) IN ('ok', 'idle');
    GET DIAGNOSTICS revoked = ROW_COUNT;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (found_employee.id, found_employee.full_name, 'change password', 'employee', found_employee.id,
            jsonb_build_object('other_sessions_revoked', revoked));
    status := 'ok';
END $$;

---------------------------------------------------------------------------
-- What the application role may call, as in 0009.
---------------------------------------------------------------------------

-- `revoke session N`: the owner of the alive session it ended, or nothing.
CREATE OR REPLACE FUNCTION epic_revoke_session(session bigint, OUT owner_id bigint, OUT owner_name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may revoke sessions');
BEGIN
    UPDATE user_sessions s SET revoked_at = now()
    WHERE s.id = session AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok'
    RETURNING s.employee_id INTO owner_id;
    IF owner_id IS NULL THEN
        RETURN;
    END IF;
    owner_name := epic_employee_name(owner_id);
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'revoke session', 'session', session,
            jsonb_build_object('employee_id', owner_id));
END $$;

-- `revoke sessions of EMPLOYEE`: how many alive sessions it ended. (Found
-- by `revoked_at IS NULL` as well, for the index.)
CREATE OR REPLACE FUNCTION epic_revoke_sessions_of(employee bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may revoke sessions');
    ended integer;
BEGIN
    UPDATE user_sessions s SET revoked_at = now()
    WHERE s.employee_id = employee AND s.revoked_at IS NULL
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok';
    GET DIAGNOSTICS ended = ROW_COUNT;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'revoke sessions', 'employee', employee,
            jsonb_build_object('revoked', ended));
    RETURN ended;
END $$;

---------------------------------------------------------------------------
-- The audit trail of writes, as in 0009.
---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION epic_audit_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint;
    actor_name text;
    record_before jsonb;
    record_after jsonb;
    action text := CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'DELETE' THEN 'delete' ELSE 'update' END;
    entity text := CASE TG_TABLE_NAME WHEN 'employees' THEN 'employee' WHEN 'clients' THEN 'client'
                                      WHEN 'contracts' THEN 'contract' ELSE 'event' END;
BEGIN
    -- Who is acting, and their name, in one look-up (a write of a batch
    -- pays for it once per row): the same live session the policies ask for.
    SELECT s.employee_id, e.full_name INTO actor, actor_name
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id
    WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok'
      AND e.active AND NOT e.must_change_password;
    IF actor IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'employees' THEN
        IF TG_OP = 'UPDATE' AND (NEW.password_hash IS DISTINCT FROM OLD.password_hash
                                 OR NEW.must_change_password IS DISTINCT FROM OLD.must_change_password) THEN
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            record_before := jsonb_build_object('id', OLD.id, 'name', OLD.full_name, 'email', OLD.email,
                                                'department', OLD.department, 'active', OLD.active);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            record_after := jsonb_build_object('id', NEW.id, 'name', NEW.full_name, 'email', NEW.email,
                                               'department', NEW.department, 'active', NEW.active);
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.active AND NOT NEW.active THEN
            action := 'deactivate';
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            record_before := to_jsonb(OLD);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            record_after := to_jsonb(NEW);
        END IF;
    END IF;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after)
    VALUES (actor, actor_name, action, entity,
            (coalesce(record_after, record_before)->>'id')::bigint, record_before, record_after);
    -- (Nested: a record has only its own table's fields.)
    IF TG_TABLE_NAME = 'contracts' AND TG_OP = 'UPDATE' THEN
        IF NEW.signed AND NOT OLD.signed THEN
            INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
            VALUES (actor, actor_name, 'contract signed', 'contract', NEW.id, '{}');
        END IF;
    END IF;
    RETURN NULL;
END $$;
