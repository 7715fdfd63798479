-- The audit trail and notifications as people read them: changes in the
-- fields' own names (src/model/spec.rs), employees by name, and refusals
-- under the entity they were about.

---------------------------------------------------------------------------
-- A stored column's field name.
---------------------------------------------------------------------------

-- The user's name of a stored column of `entity`, as the model's rows say
-- (tests/schema.rs compares the two); NULL for what no field shows (the
-- key, update times). Employees' audited records already use field names.
CREATE FUNCTION epic_audit_field(entity text, stored text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE entity
        WHEN 'client' THEN CASE stored
            WHEN 'full_name' THEN 'name' WHEN 'email' THEN 'email' WHEN 'phone' THEN 'phone'
            WHEN 'company_name' THEN 'company' WHEN 'last_contact_at' THEN 'last_contact'
            WHEN 'sales_contact_id' THEN 'sales' END
        WHEN 'contract' THEN CASE stored
            WHEN 'client_id' THEN 'client' WHEN 'total' THEN 'total' WHEN 'remaining' THEN 'remaining'
            WHEN 'signed' THEN 'signed' END
        WHEN 'event' THEN CASE stored
            WHEN 'name' THEN 'name' WHEN 'contract_id' THEN 'contract' WHEN 'start_at' THEN 'start'
            WHEN 'end_at' THEN 'end' WHEN 'support_contact_id' THEN 'support' WHEN 'location' THEN 'location'
            WHEN 'attendees' THEN 'attendees' WHEN 'notes' THEN 'notes' END
        WHEN 'employee' THEN CASE stored
            WHEN 'name' THEN 'name' WHEN 'email' THEN 'email' WHEN 'department' THEN 'department'
            WHEN 'active' THEN 'active' END
    END
$$;

-- A stored value as a field shows it: an employee by name (a deleted one
-- by number), none as JSON null.
CREATE FUNCTION epic_audit_value(stored text, value jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN value IS NULL OR value = 'null'::jsonb THEN 'null'::jsonb
        WHEN stored IN ('sales_contact_id', 'support_contact_id') THEN to_jsonb(coalesce(
            (SELECT e.full_name FROM employees e WHERE e.id = (value #>> '{}')::bigint),
            'employee ' || (value #>> '{}')))
        ELSE value
    END
$$;

-- What a write changed, field by field: {"support": {"from": "Théo
-- Marchand", "to": "Kate Hastroff"}} (a jsonb object: its keys in jsonb's
-- order; epic_audit_change_text says them in the model's). A create
-- has only "to"s that are not none, a delete only "from"s. Read through
-- the reader's row security (only management and admins read audit_log).
CREATE FUNCTION epic_audit_changes(entity text, before jsonb, after jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN before IS NULL AND after IS NULL THEN NULL ELSE coalesce(
        (SELECT jsonb_object_agg(field, change ORDER BY at)
         FROM (SELECT k.key, k.at, epic_audit_field(entity, k.key) AS field,
                      jsonb_build_object('from', epic_audit_value(k.key, before -> k.key),
                                         'to', epic_audit_value(k.key, after -> k.key)) AS change
               FROM jsonb_each(coalesce(after, before)) WITH ORDINALITY AS k(key, value, at)
               WHERE (before -> k.key) IS DISTINCT FROM (after -> k.key)
                 AND NOT (before IS NULL AND after -> k.key = 'null'::jsonb)
                 AND NOT (after IS NULL AND before -> k.key = 'null'::jsonb)) AS c
         WHERE field IS NOT NULL),
        '{}'::jsonb) END
$$;

-- A value in a line of text: none, or the text itself, on one line.
CREATE FUNCTION epic_audit_text(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN value IS NULL OR value = 'null'::jsonb THEN 'none'
        WHEN jsonb_typeof(value) = 'string' THEN left(value #>> '{}', 120)
        ELSE value::text
    END
$$;

-- The changes as one line, in the model's field order (each entity's
-- fields keep their order in the list): `support: Théo Marchand → Kate
-- Hastroff; attendees: 200 → 250`; a create's values alone (`name: ...`), a
-- refusal's request and rule.
CREATE FUNCTION epic_audit_change_text(action text, entity text, before jsonb, after jsonb, detail jsonb)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN before IS NULL AND after IS NULL THEN
            (SELECT string_agg(d.key || ': ' || epic_audit_text(d.value), '; ') FROM jsonb_each(detail) AS d)
        ELSE (SELECT string_agg(c.key || ': ' || CASE
                  WHEN before IS NULL THEN epic_audit_text(c.value -> 'to')
                  WHEN after IS NULL THEN epic_audit_text(c.value -> 'from')
                  ELSE epic_audit_text(c.value -> 'from') || ' → ' || epic_audit_text(c.value -> 'to') END,
                  '; ' ORDER BY array_position(ARRAY['name', 'email', 'phone', 'company', 'last_contact',
                      'sales', 'client', 'total', 'remaining', 'signed', 'contract', 'start', 'end', 'support',
                      'location', 'attendees', 'notes', 'department', 'active'], c.key))
              FROM jsonb_each(epic_audit_changes(entity, before, after)) AS c)
    END
$$;

---------------------------------------------------------------------------
-- Refusals under the entity they were about.
---------------------------------------------------------------------------

-- The entity is the refused command's target (`contract` for a refused
-- `create contract`); a create names no record of its own, so the record
-- it was for is in the detail (`{"client": 304}`).
DROP FUNCTION epic_audit_denial(text, text, text, bigint);
CREATE FUNCTION epic_audit_denial(request text, rule text, entity text, record_id bigint,
                                  parent_entity text, parent_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_session_employee();
    detail jsonb := jsonb_build_object('request', left(request, 500), 'rule', left(rule, 500));
BEGIN
    IF actor IS NULL THEN
        RAISE EXCEPTION 'not logged in' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF parent_entity IN ('client', 'contract') AND parent_id IS NOT NULL THEN
        detail := detail || jsonb_build_object(parent_entity, parent_id);
    END IF;
    INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail)
    VALUES (actor, epic_employee_name(actor), 'denied', entity, record_id, detail);
END $$;
REVOKE ALL ON FUNCTION epic_audit_denial(text, text, text, bigint, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_audit_denial(text, text, text, bigint, text, bigint) TO epic_app;

REVOKE ALL ON FUNCTION epic_audit_field(text, text), epic_audit_value(text, jsonb),
    epic_audit_changes(text, jsonb, jsonb), epic_audit_text(jsonb),
    epic_audit_change_text(text, text, jsonb, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_audit_field(text, text), epic_audit_value(text, jsonb),
    epic_audit_changes(text, jsonb, jsonb), epic_audit_text(jsonb),
    epic_audit_change_text(text, text, jsonb, jsonb, jsonb) TO epic_app;

---------------------------------------------------------------------------
-- Notifications that say who changed what, with the new values.
---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION notify_support_contact() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor   bigint := epic_session_employee();
    who     text;
    what    text;
    message text;
BEGIN
    IF actor IS NULL THEN
        RETURN NEW;
    END IF;
    who := coalesce(epic_employee_name(actor), 'employee ' || actor);
    what := format('event %s %s', NEW.id, NEW.name);
    IF TG_OP = 'UPDATE' AND OLD.support_contact_id IS NOT NULL
       AND OLD.support_contact_id IS DISTINCT FROM NEW.support_contact_id
       AND OLD.support_contact_id IS DISTINCT FROM actor THEN
        INSERT INTO notifications (employee_id, event_id, message)
        VALUES (OLD.support_contact_id, NEW.id,
                left(format('%s took you off %s: support is now %s', who, what,
                            coalesce(epic_employee_name(NEW.support_contact_id), 'none')), 1000));
        PERFORM pg_notify('epic_notifications', '');
    END IF;
    IF NEW.support_contact_id IS NULL OR NEW.support_contact_id IS NOT DISTINCT FROM actor THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' OR OLD.support_contact_id IS DISTINCT FROM NEW.support_contact_id THEN
        message := format('%s assigned you %s', who, what);
    ELSE
        message := epic_audit_change_text('update', 'event', to_jsonb(OLD), to_jsonb(NEW), NULL);
        IF message IS NULL THEN
            RETURN NEW;
        END IF;
        message := format('%s changed %s: %s', who, what, message);
    END IF;
    INSERT INTO notifications (employee_id, event_id, message)
    VALUES (NEW.support_contact_id, NEW.id, left(message, 1000));
    PERFORM pg_notify('epic_notifications', '');
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION notify_support_contact() FROM PUBLIC;
