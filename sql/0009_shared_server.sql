-- One PostgreSQL for the whole company: every desk holds only the client
-- login, and everything that decides who someone is happens here.
--
-- The roles (created once by a DBA from `epic db roles`; the migration
-- runner writes other names in place of these words if the DBA chose them):
--   epic_owner     NOLOGIN, owns every object; migrations run as it
--   epic_migrator  the operator's login, a member of epic_owner
--   epic_client    every desk's login: NOINHERIT; it may run the identity
--                  functions below and become epic_app, nothing else
--   epic_app       what commands run as, under forced row-level security
--
-- Identity is decided in SECURITY DEFINER functions owned by epic_owner:
-- login (bcrypt checked by pgcrypto), throttling, the session check,
-- logout, password changes and resets, revocation, unlocking, the audit of
-- refusals and the security settings. A session is a JWT this database
-- signs with a key only it holds; a desk keeps the token and presents it in
-- the transaction-local setting `epic.session`. The database stores only
-- the token's SHA-256, so a dump, a replica or a statement log holds nothing
-- that opens a session. Every function pins its search_path with pg_temp
-- last, so no temporary object can stand in for a table it reads.

-- bcrypt (crypt), HMAC and random bytes. A trusted extension: the owner
-- creates it with CREATE on the database.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Functions are granted one by one, never to everyone.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Security limits: in the database, changed by admins (`set security ...`),
-- never by anyone's environment.
CREATE TABLE security_settings (
    id                     boolean PRIMARY KEY DEFAULT true CHECK (id),
    session_hours          integer NOT NULL DEFAULT 8  CHECK (session_hours BETWEEN 1 AND 720),
    idle_minutes           integer NOT NULL DEFAULT 30 CHECK (idle_minutes BETWEEN 1 AND 10080),
    login_max_failures     integer NOT NULL DEFAULT 5  CHECK (login_max_failures BETWEEN 1 AND 100),
    login_window_minutes   integer NOT NULL DEFAULT 15 CHECK (login_window_minutes BETWEEN 1 AND 10080),
    login_cooldown_minutes integer NOT NULL DEFAULT 15 CHECK (login_cooldown_minutes BETWEEN 1 AND 10080),
    bcrypt_cost            integer NOT NULL DEFAULT 12 CHECK (bcrypt_cost BETWEEN 4 AND 31)
);
INSERT INTO security_settings DEFAULT VALUES;

-- The key that signs session tokens. Only the owner reads it. A copy of it
-- (in a dump) mints tokens that name no session: the database looks a
-- session up by the hash of the exact token it issued. With it, its HMAC
-- pads (RFC 2104: the key padded to SHA-256's 64-byte block, XOR 0x36 and
-- XOR 0x5c), so that checking a token needs only the built-in sha256():
-- the session check of every command then loads no extension.
CREATE TABLE token_keys (
    id         integer     PRIMARY KEY CHECK (id = 1),
    secret     bytea       NOT NULL CHECK (length(secret) BETWEEN 32 AND 64),
    inner_pad  bytea       NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad  bytea       NOT NULL CHECK (length(outer_pad) = 64),
    created_at timestamptz NOT NULL DEFAULT now()
);
DO $$
DECLARE
    key bytea := gen_random_bytes(32);
    padded bytea := key || decode(repeat('00', 64 - length(key)), 'hex');
    inner_pad bytea := padded;
    outer_pad bytea := padded;
BEGIN
    FOR i IN 0..63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(padded, i) # 54);
        outer_pad := set_byte(outer_pad, i, get_byte(padded, i) # 92);
    END LOOP;
    INSERT INTO token_keys (id, secret, inner_pad, outer_pad) VALUES (1, key, inner_pad, outer_pad);
END $$;

-- Sessions opened before this migration were looked up by the hash of their
-- id, which the desks sent in clear: end them. Everyone logs in again.
UPDATE user_sessions SET revoked_at = now() WHERE revoked_at IS NULL;

-- Row security on every table, with full access for the owner only (the
-- earlier policy named whoever ran the migrations).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['employees', 'clients', 'contracts', 'events', 'user_sessions',
                             'audit_log', 'notifications', 'login_attempts', 'epic_schema_migrations',
                             'security_settings', 'token_keys']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS owner_all ON %I', t);
        EXECUTE format('CREATE POLICY owner_all ON %I TO epic_owner USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

-- Unpadded base64url (RFC 7515), as JWTs write it.
CREATE FUNCTION epic_base64url(data bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT translate(encode(data, 'base64'), E'+/=\n', '-_')
$$;

-- base64url of {"alg":"HS256","typ":"JWT"}: the only header epic writes or accepts.
CREATE FUNCTION epic_token_header() RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'::text
$$;

-- HMAC-SHA256 of the input under the signing key, base64url: the JWT's
-- signature, from the stored pads and the built-in sha256().
CREATE FUNCTION epic_token_signature(signing_input text) RETURNS text
LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT translate(encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(signing_input, 'UTF8'))),
                                    'base64'), E'+/=\n', '-_')
            FROM token_keys k WHERE k.id = 1);
END $$;

-- A signed HS256 JWT for these claims.
CREATE FUNCTION epic_token_sign(claims jsonb) RETURNS text
LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT input || '.' || epic_token_signature(input)
    FROM (SELECT epic_token_header() || '.' || epic_base64url(convert_to(claims::text, 'UTF8')) AS input) t
$$;

-- Whether a token carries this database's signature over epic's header and
-- its claims. (The claims, issuer, audience, subject and expiry, are the
-- ones it signed for the session; the session row says the same, and the
-- checks below read the row.)
CREATE FUNCTION epic_token_valid(token text) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    parts text[];
BEGIN
    IF token IS NULL OR length(token) > 4096 THEN
        RETURN false;
    END IF;
    parts := string_to_array(token, '.');
    RETURN cardinality(parts) = 3 AND parts[1] = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'
       AND parts[3] = epic_token_signature(parts[1] || '.' || parts[2]);
END $$;

-- What the database stores for a token, and looks it up by. (The hot
-- functions below write the same expression inline: a PL/pgSQL expression
-- keeps its plan, a call to a SQL function with a pinned search_path is
-- planned again each time.)
CREATE FUNCTION epic_token_hash(token text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN sha256(convert_to(token, 'UTF8'));
END $$;

-- pgcrypto reads `$2a$` (and `$2x$`) bcrypt hashes but takes the `$2b$` and
-- `$2y$` that other libraries write for a DES salt and silently answers
-- something else. For passwords of at most 72 bytes they are the same
-- algorithm: rename the prefix.
CREATE FUNCTION epic_pgcrypto_bcrypt(stored text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN left(stored, 4) IN ('$2b$', '$2y$') THEN '$2a$' || substr(stored, 5) ELSE stored END
$$;

CREATE FUNCTION epic_password_matches(password text, stored text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT password IS NOT NULL AND stored IS NOT NULL AND octet_length(password) <= 72
       AND crypt(password, epic_pgcrypto_bcrypt(stored)) = epic_pgcrypto_bcrypt(stored)
$$;

-- The password rules the database enforces whoever sends the password:
-- 12 characters to 72 bytes (bcrypt ignores the rest), and neither the
-- email, its first part nor a part of the name (3 letters or more) inside.
-- The shell checks more (common passwords) and says why first.
CREATE FUNCTION epic_password_acceptable(password text, email text, full_name text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT password IS NOT NULL
       AND char_length(password) >= 12 AND octet_length(password) <= 72
       AND (coalesce(email, '') = '' OR strpos(lower(password), lower(email)) = 0)
       AND (char_length(split_part(coalesce(email, ''), '@', 1)) < 3
            OR strpos(lower(password), lower(split_part(email, '@', 1))) = 0)
       AND NOT EXISTS (SELECT 1 FROM regexp_split_to_table(lower(coalesce(full_name, '')), '\s+') AS part
                       WHERE char_length(part) >= 3 AND strpos(lower(password), part) > 0)
$$;

-- A new bcrypt hash at the configured cost.
CREATE FUNCTION epic_bcrypt(password text) RETURNS text
LANGUAGE sql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT crypt(password, gen_salt('bf', (SELECT s.bcrypt_cost FROM security_settings s)))
$$;

-- Minutes left of a lock-out for an email, or NULL when it is not locked.
CREATE FUNCTION epic_lockout_minutes(email_key text) RETURNS integer
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
                THEN ceil(extract(epoch FROM f.last + make_interval(mins => s.login_cooldown_minutes) - now()) / 60)::integer
           END
    FROM failures f, settings s
$$;

-- The policies ask who is acting: the employee of the live session whose
-- token the command presents, or NULL. Live: not revoked, not expired, not
-- idle past the limit, its employee active and not holding a temporary
-- password. Evaluated once per statement (a scalar sub-select in each
-- policy); PARALLEL RESTRICTED so that queries may still run in parallel.
CREATE OR REPLACE FUNCTION epic_session_employee() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT s.employee_id
            FROM user_sessions s JOIN employees e ON e.id = s.employee_id CROSS JOIN security_settings c
            WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
              AND s.revoked_at IS NULL AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes)
              AND e.active AND NOT e.must_change_password);
END $$;

CREATE OR REPLACE FUNCTION epic_session_role() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT e.department
            FROM user_sessions s JOIN employees e ON e.id = s.employee_id CROSS JOIN security_settings c
            WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
              AND s.revoked_at IS NULL AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes)
              AND e.active AND NOT e.must_change_password);
END $$;

-- Raised (as insufficient_privilege) by the app-role functions below when
-- the session may not do what they do.
CREATE FUNCTION epic_require_role(allowed text[], rule text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_session_employee();
BEGIN
    IF actor IS NULL OR NOT (epic_session_role() = ANY (allowed)) THEN
        RAISE EXCEPTION '%', rule USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN actor;
END $$;

CREATE FUNCTION epic_employee_name(employee bigint) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT e.full_name FROM employees e WHERE e.id = employee);
END $$;

---------------------------------------------------------------------------
-- What the client login may call.
---------------------------------------------------------------------------

-- The schema version, the application role to become, and whether anyone
-- can log in yet: what a desk asks first.
CREATE FUNCTION epic_schema_info(OUT version integer, OUT app_role text, OUT has_employees boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT (SELECT max(m.version) FROM epic_schema_migrations m), 'epic_app'::text,
           EXISTS (SELECT 1 FROM employees)
$$;

-- Login. Guesses for one email are counted one at a time (an advisory lock
-- for the transaction), so parallel tries cannot all pass a limit of five.
-- For an email nobody has, a hash of the same cost is computed, so the
-- time and the answer say nothing about who exists. `status`: ok, wrong,
-- locked (retry_minutes), deactivated.
CREATE FUNCTION epic_login(email text, password text,
    OUT status text, OUT token text, OUT retry_minutes integer, OUT locked_now boolean,
    OUT who_id bigint, OUT who_name text, OUT who_email text, OUT who_role text,
    OUT session bigint, OUT session_started timestamptz, OUT session_expires timestamptz,
    OUT must_change boolean, OUT unread bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    email_key text := left(lower(btrim(coalesce(epic_login.email, ''))), 254);
    settings security_settings;
    found_employee employees;
BEGIN
    locked_now := false;
    PERFORM pg_advisory_xact_lock(hashtextextended('epic login ' || email_key, 0));
    SELECT * INTO settings FROM security_settings;
    retry_minutes := epic_lockout_minutes(email_key);
    IF retry_minutes IS NOT NULL THEN
        status := 'locked';
        RETURN;
    END IF;
    SELECT * INTO found_employee FROM employees e WHERE lower(e.email) = email_key;
    IF found_employee.id IS NULL THEN
        PERFORM crypt(coalesce(epic_login.password, ''), gen_salt('bf', settings.bcrypt_cost));
    END IF;
    IF found_employee.id IS NULL OR NOT epic_password_matches(epic_login.password, found_employee.password_hash) THEN
        INSERT INTO login_attempts (email_key, kind) VALUES (email_key, 'failure');
        IF epic_lockout_minutes(email_key) IS NOT NULL THEN
            locked_now := true;
            INSERT INTO audit_log (action, detail)
            VALUES ('login locked', jsonb_build_object('email', email_key, 'after_failures', settings.login_max_failures));
        END IF;
        status := 'wrong';
        RETURN;
    END IF;
    IF NOT found_employee.active THEN
        INSERT INTO login_attempts (email_key, kind) VALUES (email_key, 'failure');
        status := 'deactivated';
        RETURN;
    END IF;
    INSERT INTO login_attempts (email_key, kind) VALUES (email_key, 'success');
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

-- The check a command makes before anything else: is the token one this
-- database signed, is its session alive, and whose is it. `state`: ok,
-- unknown (not a token of ours, or its session is gone), revoked, expired,
-- idle, deactivated. An ok check marks the session seen, at most every 5
-- seconds, so a batch of reads writes (almost) nothing and two commands of
-- one session never queue on its row. One SQL statement, and the signature
-- from the stored HMAC pads and the built-in sha256(): the first command of
-- a new connection pays for no function compilation and no extension.
CREATE FUNCTION epic_session_check(token text,
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
                   WHEN f.revoked_at IS NOT NULL THEN 'revoked'
                   WHEN f.expires_at <= now() THEN 'expired'
                   WHEN f.last_seen_at <= now() - make_interval(mins => st.idle) THEN 'idle'
                   ELSE 'ok' END AS verdict
        FROM found f, settings st),
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

-- A session check that fails the transaction instead of answering: once a
-- shell knows who it acts for, the next command sends BEGIN, this check and
-- its own statements in one round trip. If the session is no longer alive,
-- or its employee's role, name or password state changed, the check raises
-- and nothing sent after it in the transaction can run; the shell then asks
-- again the slow way.
CREATE FUNCTION epic_expect_session(token text, employee bigint, department text, full_name text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    seen timestamptz;
BEGIN
    SELECT s.last_seen_at INTO seen
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id CROSS JOIN security_settings c
    WHERE s.token_hash = sha256(convert_to(epic_expect_session.token, 'UTF8')) AND s.employee_id = employee
      AND e.department = epic_expect_session.department AND e.full_name = epic_expect_session.full_name
      AND e.active AND NOT e.must_change_password
      AND s.revoked_at IS NULL AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session is not the one expected' USING ERRCODE = 'EP001';
    END IF;
    IF seen < now() - interval '5 seconds' THEN
        UPDATE user_sessions s SET last_seen_at = now()
        WHERE s.token_hash = sha256(convert_to(epic_expect_session.token, 'UTF8'));
    END IF;
END $$;

-- Ends the token's session if it is alive; whether it did.
CREATE FUNCTION epic_logout(token text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    ended user_sessions;
BEGIN
    UPDATE user_sessions s SET revoked_at = now()
    WHERE s.token_hash = epic_token_hash(epic_logout.token) AND s.revoked_at IS NULL AND s.expires_at > now()
    RETURNING * INTO ended;
    IF ended.id IS NULL THEN
        RETURN false;
    END IF;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (ended.employee_id, epic_employee_name(ended.employee_id), 'logout', 'session', ended.id, '{}');
    RETURN true;
END $$;

-- `passwd`: the current password (a wrong one counts as a failed login for
-- the email), then a new one that meets the rules, hashed here. Every other
-- session of the employee ends. `status`: ok, not logged in, locked
-- (retry_minutes), wrong, same, weak.
CREATE FUNCTION epic_change_password(token text, current_password text, new_password text,
    OUT status text, OUT revoked integer, OUT retry_minutes integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    found_session user_sessions;
    found_employee employees;
    email_key text;
BEGIN
    revoked := 0;
    SELECT s.* INTO found_session
    FROM user_sessions s CROSS JOIN security_settings c
    WHERE s.token_hash = epic_token_hash(epic_change_password.token)
      AND s.revoked_at IS NULL AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes);
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
    WHERE s.employee_id = found_employee.id AND s.id <> found_session.id
      AND s.revoked_at IS NULL AND s.expires_at > now();
    GET DIAGNOSTICS revoked = ROW_COUNT;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (found_employee.id, found_employee.full_name, 'change password', 'employee', found_employee.id,
            jsonb_build_object('other_sessions_revoked', revoked));
    status := 'ok';
END $$;

---------------------------------------------------------------------------
-- What the application role may call, inside a command, for a live session.
---------------------------------------------------------------------------

-- A hash for a new employee's password, after the database's own rules.
CREATE FUNCTION epic_new_password_hash(password text, email text, full_name text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM epic_require_role(ARRAY['management', 'admin'], 'only management may create employees');
    IF NOT epic_password_acceptable(password, email, full_name) THEN
        RAISE EXCEPTION 'the password does not meet the password rules'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'employees_password_rules';
    END IF;
    RETURN epic_bcrypt(password);
END $$;

-- A temporary password for an employee, shown once by the shell and never
-- stored: it must be changed at the next login, and every session of the
-- employee ends (the trigger on a reset does it). NULL: no such employee.
CREATE FUNCTION epic_reset_password(employee bigint) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['management', 'admin'], 'only management may reset passwords');
    alphabet constant text := 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-';
    target employees;
    made text;
    noise bytea;
BEGIN
    SELECT * INTO target FROM employees e WHERE e.id = employee;
    IF target.id IS NULL THEN
        RETURN NULL;
    END IF;
    LOOP
        noise := gen_random_bytes(20);
        made := '';
        FOR i IN 0..19 LOOP
            made := made || substr(alphabet, get_byte(noise, i) % length(alphabet) + 1, 1);
        END LOOP;
        EXIT WHEN epic_password_acceptable(made, target.email, target.full_name);
    END LOOP;
    UPDATE employees e SET password_hash = epic_bcrypt(made), must_change_password = true, updated_at = now()
    WHERE e.id = target.id;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'reset password', 'employee', target.id,
            jsonb_build_object('sessions', 'revoked'));
    RETURN made;
END $$;

-- `revoke session N`: the owner of the live session it ended, or nothing.
CREATE FUNCTION epic_revoke_session(session bigint, OUT owner_id bigint, OUT owner_name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may revoke sessions');
BEGIN
    UPDATE user_sessions s SET revoked_at = now()
    FROM security_settings c
    WHERE s.id = session AND s.revoked_at IS NULL AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes)
    RETURNING s.employee_id INTO owner_id;
    IF owner_id IS NULL THEN
        RETURN;
    END IF;
    owner_name := epic_employee_name(owner_id);
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'revoke session', 'session', session,
            jsonb_build_object('employee_id', owner_id));
END $$;

-- `revoke sessions of EMPLOYEE`: how many live sessions it ended.
CREATE FUNCTION epic_revoke_sessions_of(employee bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may revoke sessions');
    ended integer;
BEGIN
    UPDATE user_sessions s SET revoked_at = now()
    FROM security_settings c
    WHERE s.employee_id = employee AND s.revoked_at IS NULL AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes);
    GET DIAGNOSTICS ended = ROW_COUNT;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'revoke sessions', 'employee', employee,
            jsonb_build_object('revoked', ended));
    RETURN ended;
END $$;

-- `unlock EMAIL`: the failures counted so far no longer lock it.
CREATE FUNCTION epic_unlock(email text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may unlock logins');
    email_key text := left(lower(btrim(email)), 254);
BEGIN
    INSERT INTO login_attempts (email_key, kind) VALUES (email_key, 'unlock');
    INSERT INTO audit_log (actor_id, actor_name, action, detail)
    VALUES (actor, epic_employee_name(actor), 'unlock login', jsonb_build_object('email', email_key));
    RETURN email_key;
END $$;

-- A refusal, in the name of the session that was refused: the audit trail
-- is written by the database alone.
CREATE FUNCTION epic_audit_denial(request text, rule text, entity text, record_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_session_employee();
BEGIN
    IF actor IS NULL THEN
        RAISE EXCEPTION 'not logged in' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'denied', entity, record_id,
            jsonb_build_object('request', left(request, 500), 'rule', left(rule, 500)));
END $$;

-- `set security NAME = VALUE`: the value before and after.
CREATE FUNCTION epic_set_security(setting text, value integer, OUT old_value integer, OUT new_value integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['admin'], 'only admins may change security settings');
    old jsonb;
BEGIN
    SELECT to_jsonb(s) INTO old FROM security_settings s;
    IF setting NOT IN ('session_hours', 'idle_minutes', 'login_max_failures', 'login_window_minutes',
                       'login_cooldown_minutes', 'bcrypt_cost') THEN
        RAISE EXCEPTION 'no security setting is named %', setting USING ERRCODE = 'invalid_parameter_value';
    END IF;
    old_value := (old->>setting)::integer;
    UPDATE security_settings s SET
        session_hours = CASE WHEN setting = 'session_hours' THEN value ELSE s.session_hours END,
        idle_minutes = CASE WHEN setting = 'idle_minutes' THEN value ELSE s.idle_minutes END,
        login_max_failures = CASE WHEN setting = 'login_max_failures' THEN value ELSE s.login_max_failures END,
        login_window_minutes = CASE WHEN setting = 'login_window_minutes' THEN value ELSE s.login_window_minutes END,
        login_cooldown_minutes = CASE WHEN setting = 'login_cooldown_minutes' THEN value ELSE s.login_cooldown_minutes END,
        bcrypt_cost = CASE WHEN setting = 'bcrypt_cost' THEN value ELSE s.bcrypt_cost END;
    new_value := value;
    INSERT INTO audit_log (actor_id, actor_name, action, detail)
    VALUES (actor, epic_employee_name(actor), 'change security setting',
            jsonb_build_object('setting', setting, 'from', old_value, 'to', new_value));
END $$;

---------------------------------------------------------------------------
-- The audit trail of writes, kept by the database.
---------------------------------------------------------------------------

-- Every create, update and delete the application role makes, with the
-- record before and after, in the acting employee's name (read from the
-- session, never given). What the definer functions above write (password
-- hashes, sessions) they audit themselves; writes without a session (a
-- migration, the demo, a restore) are the operator's.
CREATE FUNCTION epic_audit_write() RETURNS trigger
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
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id CROSS JOIN security_settings c
    WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
      AND s.revoked_at IS NULL AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes)
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

CREATE TRIGGER employees_audit AFTER INSERT OR UPDATE OR DELETE ON employees
    FOR EACH ROW EXECUTE FUNCTION epic_audit_write();
CREATE TRIGGER clients_audit AFTER INSERT OR UPDATE OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION epic_audit_write();
CREATE TRIGGER contracts_audit AFTER INSERT OR UPDATE OR DELETE ON contracts
    FOR EACH ROW EXECUTE FUNCTION epic_audit_write();
CREATE TRIGGER events_audit AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION epic_audit_write();

---------------------------------------------------------------------------
-- Notifications: the NOTIFY only wakes shells up.
---------------------------------------------------------------------------

-- Any session may LISTEN on any channel and NOTIFY any payload, so a
-- payload says nothing: each open shell, woken, reads its own unread
-- notifications through row security, and a forged NOTIFY shows nothing.
CREATE OR REPLACE FUNCTION notify_support_contact() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor   bigint := epic_session_employee();
    changed text[] := ARRAY[]::text[];
    message text;
BEGIN
    IF actor IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.support_contact_id IS NOT NULL
       AND OLD.support_contact_id IS DISTINCT FROM NEW.support_contact_id
       AND OLD.support_contact_id IS DISTINCT FROM actor THEN
        INSERT INTO notifications (employee_id, event_id, message)
        VALUES (OLD.support_contact_id, NEW.id,
                format('Event %s %s is no longer assigned to you', NEW.id, NEW.name));
        PERFORM pg_notify('epic_notifications', '');
    END IF;
    IF NEW.support_contact_id IS NULL OR NEW.support_contact_id IS NOT DISTINCT FROM actor THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' OR OLD.support_contact_id IS DISTINCT FROM NEW.support_contact_id THEN
        message := format('Event %s %s was assigned to you', NEW.id, NEW.name);
    ELSE
        IF NEW.name IS DISTINCT FROM OLD.name THEN changed := array_append(changed, 'name'); END IF;
        IF NEW.contract_id IS DISTINCT FROM OLD.contract_id THEN changed := array_append(changed, 'contract'); END IF;
        IF NEW.start_at IS DISTINCT FROM OLD.start_at THEN changed := array_append(changed, 'start'); END IF;
        IF NEW.end_at IS DISTINCT FROM OLD.end_at THEN changed := array_append(changed, 'end'); END IF;
        IF NEW.location IS DISTINCT FROM OLD.location THEN changed := array_append(changed, 'location'); END IF;
        IF NEW.attendees IS DISTINCT FROM OLD.attendees THEN changed := array_append(changed, 'attendees'); END IF;
        IF NEW.notes IS DISTINCT FROM OLD.notes THEN changed := array_append(changed, 'notes'); END IF;
        IF cardinality(changed) = 0 THEN
            RETURN NEW;
        END IF;
        message := format('Event %s %s changed: %s', NEW.id, NEW.name, array_to_string(changed, ', '));
    END IF;
    INSERT INTO notifications (employee_id, event_id, message) VALUES (NEW.support_contact_id, NEW.id, message);
    PERFORM pg_notify('epic_notifications', '');
    RETURN NEW;
END $$;

---------------------------------------------------------------------------
-- The functions of earlier migrations: pg_temp last, owner-only EXECUTE.
---------------------------------------------------------------------------

-- The department check reads one employee's department: as the owner, so
-- that it does not pay for the row security (a session look-up) of a read
-- that decides nothing about who is acting. It reveals nothing but its refusal.
ALTER FUNCTION check_employee_department() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION audit_log_is_append_only() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION events_support_limits() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION revoke_sessions_on_password_reset() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION epic_clients_named(text) SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION epic_clients_of_company(text) SET search_path = pg_catalog, public, pg_temp;
-- The application role no longer writes sessions: deactivation ends them
-- with the owner's rights.
ALTER FUNCTION revoke_sessions_of_deactivated() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
DROP FUNCTION epic_expect_session(bytea, bigint, text, text, float8);

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = current_user::regrole
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;

---------------------------------------------------------------------------
-- Privileges: the application role writes data rows, never identity.
---------------------------------------------------------------------------

-- The audit trail, login attempts and sessions are written by the functions
-- above only; passwords are set by them only.
DROP POLICY app_write ON audit_log;
REVOKE INSERT ON audit_log FROM epic_app;
DROP POLICY app_unlock ON login_attempts;
REVOKE INSERT ON login_attempts FROM epic_app;
DROP POLICY app_revoke ON user_sessions;
REVOKE UPDATE (revoked_at) ON user_sessions FROM epic_app;
REVOKE UPDATE (password_hash, must_change_password) ON employees FROM epic_app;
REVOKE ALL ON SEQUENCE user_sessions_id_seq, audit_log_id_seq, login_attempts_id_seq, notifications_id_seq
    FROM epic_app;

GRANT SELECT ON security_settings TO epic_app;
CREATE POLICY app_read ON security_settings FOR SELECT TO epic_app
    USING ((SELECT epic_session_employee()) IS NOT NULL);

GRANT USAGE ON SCHEMA public TO epic_app, epic_client;
GRANT EXECUTE ON FUNCTION
    epic_session_employee(), epic_session_role(),
    epic_clients_named(text), epic_clients_of_company(text),
    epic_new_password_hash(text, text, text), epic_reset_password(bigint),
    epic_revoke_session(bigint), epic_revoke_sessions_of(bigint), epic_unlock(text),
    epic_audit_denial(text, text, text, bigint), epic_set_security(text, integer)
    TO epic_app;
GRANT EXECUTE ON FUNCTION
    epic_schema_info(), epic_login(text, text), epic_session_check(text),
    epic_expect_session(text, bigint, text, text), epic_logout(text),
    epic_change_password(text, text, text)
    TO epic_client;
