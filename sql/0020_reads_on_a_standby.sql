-- A hot standby (and any read-only transaction) refuses every statement
-- that writes, even an UPDATE that would touch no row, so the session
-- check's "seen just now" (a data-modifying CTE in 0012) made every
-- command fail there. The check now writes only where writes are taken,
-- and still at most every 5 seconds; a read on a standby leaves the
-- session's last-seen time to the next command on the primary (README:
-- "Reading from a standby").
CREATE OR REPLACE FUNCTION epic_session_check(token text,
    OUT state text, OUT who_id bigint, OUT who_name text, OUT who_email text, OUT who_role text,
    OUT session bigint, OUT session_started timestamptz, OUT session_expires timestamptz,
    OUT must_change boolean, OUT idle_minutes integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    found_session record;
BEGIN
    SELECT c.idle_minutes INTO idle_minutes FROM security_settings c;
    SELECT s.id, s.created_at, s.expires_at, s.last_seen_at, s.revoked_at,
           e.id AS employee, e.full_name, e.email, e.department, e.active, e.must_change_password
    INTO found_session
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id
    WHERE s.token_hash = sha256(convert_to(epic_session_check.token, 'UTF8'))
      AND split_part(epic_session_check.token, '.', 1) = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'
      AND split_part(epic_session_check.token, '.', 3) = (
          SELECT translate(encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
                     split_part(epic_session_check.token, '.', 1) || '.'
                     || split_part(epic_session_check.token, '.', 2), 'UTF8'))),
                     'base64'), E'+/=\n', '-_')
          FROM token_keys k WHERE k.id = 1);
    IF NOT FOUND THEN
        state := 'unknown';
        RETURN;
    END IF;
    state := CASE
        WHEN NOT found_session.active THEN 'deactivated'
        ELSE epic_session_state(found_session.revoked_at, found_session.expires_at,
                                found_session.last_seen_at) END;
    IF state <> 'ok' THEN
        RETURN;
    END IF;
    who_id := found_session.employee;
    who_name := found_session.full_name;
    who_email := found_session.email;
    who_role := found_session.department;
    session := found_session.id;
    session_started := found_session.created_at;
    session_expires := found_session.expires_at;
    must_change := found_session.must_change_password;
    IF found_session.last_seen_at < now() - interval '5 seconds'
       AND current_setting('transaction_read_only') = 'off' THEN
        UPDATE user_sessions u SET last_seen_at = now() WHERE u.id = found_session.id;
    END IF;
END $$;

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
    IF seen < now() - interval '5 seconds' AND current_setting('transaction_read_only') = 'off' THEN
        UPDATE user_sessions s SET last_seen_at = now()
        WHERE s.token_hash = sha256(convert_to(epic_expect_session.token, 'UTF8'));
    END IF;
END $$;
