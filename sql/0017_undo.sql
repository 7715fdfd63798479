-- `undo`: an employee takes back their own last change. The shell finds
-- it (epic_undo_target), checks it like the command a user would type,
-- and runs that command with `epic.undoes` set to the entry it takes
-- back; the audit trigger then files the write as `undo`, with
-- {"undoes": N} in its detail, so the trail says what was undone and the
-- next `undo` goes one change further back.

-- Finding the changes of one employee, newest first, and whether an entry
-- was undone, without reading the whole trail.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_undoes_idx ON audit_log (((detail ->> 'undoes')::bigint))
    WHERE action = 'undo';

-- An employee record as the trail stores it: the fields a user sees,
-- never the password's hash (the trigger and epic_undo_target both ask).
CREATE FUNCTION epic_employee_image(e employees) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object('id', e.id, 'name', e.full_name, 'email', e.email,
                              'department', e.department, 'active', e.active)
$$;
REVOKE ALL ON FUNCTION epic_employee_image(employees) FROM PUBLIC;

CREATE OR REPLACE FUNCTION epic_audit_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    actor bigint;
    actor_name text;
    record_before jsonb;
    record_after jsonb;
    record_id bigint;
    undoes bigint;
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
            record_before := epic_employee_image(OLD);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            record_after := epic_employee_image(NEW);
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
    record_id := (coalesce(record_after, record_before)->>'id')::bigint;
    -- An undo names the entry it takes back; only an entry of the same
    -- employee about the same record counts (a setting anyone may set
    -- cannot mark someone else's change as undone).
    IF coalesce(current_setting('epic.undoes', true), '') ~ '^[0-9]{1,18}$' THEN
        SELECT a.id INTO undoes FROM audit_log a
        WHERE a.id = current_setting('epic.undoes', true)::bigint
          AND a.actor_id = actor AND a.entity = entity AND a.entity_id = record_id;
    END IF;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after, detail)
    VALUES (actor, actor_name, CASE WHEN undoes IS NULL THEN action ELSE 'undo' END, entity,
            record_id, record_before, record_after,
            CASE WHEN undoes IS NOT NULL THEN jsonb_build_object('undoes', undoes) END);
    -- (Nested: a record has only its own table's fields.)
    IF TG_TABLE_NAME = 'contracts' AND TG_OP = 'UPDATE' THEN
        IF NEW.signed AND NOT OLD.signed THEN
            INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
            VALUES (actor, actor_name, 'contract signed', 'contract', NEW.id, '{}');
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- A record as it is now, in the trail's form, locked until the command
-- ends (so nobody changes it between this look and the undo's write);
-- NULL when there is none.
CREATE FUNCTION epic_record_locked(kind text, record_id bigint) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    image jsonb;
BEGIN
    CASE kind
        WHEN 'employee' THEN
            SELECT epic_employee_image(e) INTO image FROM employees e WHERE e.id = record_id FOR UPDATE;
        WHEN 'client' THEN
            SELECT to_jsonb(c) INTO image FROM clients c WHERE c.id = record_id FOR UPDATE;
        WHEN 'contract' THEN
            SELECT to_jsonb(k) INTO image FROM contracts k WHERE k.id = record_id FOR UPDATE;
        WHEN 'event' THEN
            SELECT to_jsonb(v) INTO image FROM events v WHERE v.id = record_id FOR UPDATE;
        ELSE
            image := NULL;
    END CASE;
    RETURN image;
END $$;
REVOKE ALL ON FUNCTION epic_record_locked(text, bigint) FROM PUBLIC;

-- The session's employee's last change to a record that no undo took back
-- (undos themselves are not changes to take back): one row per field it
-- set, in the field's name, with the value before it as text (a create,
-- which sets back nothing, a delete, and an update that changed nothing
-- have one row, with no field).
-- `changed_since` says whether one of those fields (for a create, any)
-- holds another value now than the change left, or the record is gone
-- (the record is locked first, so what it says holds until the undo is
-- written);
-- `changed_by` who wrote it last since. Only the employee's own entries:
-- what anyone may read of the trail stays the checker's (management's).
-- Whether the change may be taken back is not decided here: the shell
-- runs it as the command a user would type, through the checker and row
-- security.
CREATE FUNCTION epic_undo_target()
RETURNS TABLE (entry bigint, action text, entity text, record bigint, changed_since boolean,
               changed_by text, field text, old_value text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me bigint := epic_session_employee();
    change audit_log%ROWTYPE;
    now_image jsonb;
    fields text[];
    changed boolean;
    last_writer text;
BEGIN
    IF me IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO change FROM audit_log a
    WHERE a.actor_id = me AND a.action IN ('create', 'update', 'deactivate', 'delete')
      AND a.entity IN ('client', 'contract', 'event', 'employee')
      AND NOT EXISTS (SELECT 1 FROM audit_log u
                      WHERE u.action = 'undo' AND (u.detail ->> 'undoes')::bigint = a.id)
    ORDER BY a.actor_id DESC, a.id DESC
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    now_image := epic_record_locked(change.entity, change.entity_id);
    fields := ARRAY(SELECT k.key FROM jsonb_each(coalesce(change.after, change.before)) AS k
                    WHERE k.key <> 'updated_at'
                      AND (change.before IS NULL OR change.after IS NULL
                           OR (change.before -> k.key) IS DISTINCT FROM (change.after -> k.key)));
    changed := change.after IS NOT NULL
        AND (now_image IS NULL
             OR EXISTS (SELECT 1 FROM unnest(fields) AS f(key)
                        WHERE (now_image -> f.key) IS DISTINCT FROM (change.after -> f.key)));
    IF changed THEN
        SELECT a.actor_name INTO last_writer FROM audit_log a
        WHERE a.entity = change.entity AND a.entity_id = change.entity_id AND a.id > change.id
          AND (a.before IS NOT NULL OR a.after IS NOT NULL)
        ORDER BY a.id DESC
        LIMIT 1;
    END IF;
    IF change.action IN ('update', 'deactivate') THEN
        RETURN QUERY
            SELECT change.id, change.action, change.entity, change.entity_id, changed, last_writer,
                   epic_audit_field(change.entity, f.key), change.before ->> f.key
            FROM unnest(fields) AS f(key)
            WHERE epic_audit_field(change.entity, f.key) IS NOT NULL;
    END IF;
    -- A create, a delete, and an update that changed no field (it set
    -- what was there): the entry alone, so it is still the one undone.
    IF NOT FOUND OR change.action NOT IN ('update', 'deactivate') THEN
        RETURN QUERY
            SELECT change.id, change.action, change.entity, change.entity_id, changed, last_writer,
                   NULL::text, NULL::text;
    END IF;
END $$;
REVOKE ALL ON FUNCTION epic_undo_target() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_undo_target() TO epic_app;
