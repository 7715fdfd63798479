-- The audit trail as objects: what a write changed, and the record before
-- and after, as JSON in the fields' own names (src/model/spec.rs), in the
-- model's field order, employees by name. `show audit` reads these; a table
-- shows them as text (src/render/json.rs), `--format json` as they are.
-- The notifications' one line of text (epic_audit_change_text) is made
-- from the same object, by the same rule.

-- Where a field comes in the model's order: each entity's fields keep
-- their order in this list (tests/schema.rs compares it with the model).
CREATE FUNCTION epic_audit_field_rank(field text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT array_position(ARRAY['name', 'email', 'phone', 'company', 'last_contact',
        'sales', 'client', 'total', 'remaining', 'signed', 'contract', 'start', 'end', 'support',
        'location', 'attendees', 'notes', 'department', 'active'], field)
$$;

-- A field's value as the audit's objects carry it: an amount as a string
-- of its exact digits (`"12000.00"`; a JSON reader's number would drop the
-- scale), everything else as epic_audit_value gave it.
CREATE FUNCTION epic_audit_shown(field text, value jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN field IN ('total', 'remaining') AND jsonb_typeof(value) = 'number'
            THEN to_jsonb(value #>> '{}')
        ELSE value
    END
$$;

-- What an entry did, as an object: a write's changes field by field,
-- `{"support": {"old": "Théo Marchand", "new": "Kate Hastroff"}}` (a
-- create has only "new"s that are not none, a delete only "old"s); an
-- entry with no record before or after (a refusal, a login) its detail,
-- the request and the rule first. A json value, not jsonb, so that its
-- keys keep this order.
CREATE FUNCTION epic_audit_change_json(entity text, before jsonb, after jsonb, detail jsonb)
RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN before IS NULL AND after IS NULL THEN
            (SELECT coalesce(json_object_agg(d.key, d.value
                                             ORDER BY d.key <> 'request', d.key <> 'rule', d.key),
                             '{}'::json)
             FROM jsonb_each(CASE jsonb_typeof(detail) WHEN 'object' THEN detail END) AS d)
        ELSE (SELECT coalesce(json_object_agg(c.key, CASE
                      WHEN before IS NULL THEN json_build_object('new', epic_audit_shown(c.key, c.value -> 'to'))
                      WHEN after IS NULL THEN json_build_object('old', epic_audit_shown(c.key, c.value -> 'from'))
                      ELSE json_build_object('old', epic_audit_shown(c.key, c.value -> 'from'),
                                             'new', epic_audit_shown(c.key, c.value -> 'to')) END
                      ORDER BY epic_audit_field_rank(c.key), c.key),
                  '{}'::json)
              FROM jsonb_each(epic_audit_changes(entity, before, after)) AS c)
    END
$$;

-- A record as stored in the trail, as an object in the fields' names and
-- order, employees by name; what no field shows (the key, update times)
-- is left out: the entry's `record` and `at` say those.
CREATE FUNCTION epic_audit_record(entity text, record jsonb) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN record IS NULL THEN NULL ELSE coalesce(
        (SELECT json_object_agg(f.field, epic_audit_shown(f.field, epic_audit_value(f.key, f.value))
                                ORDER BY epic_audit_field_rank(f.field), f.field)
         FROM (SELECT r.key, r.value, epic_audit_field(entity, r.key) AS field
               FROM jsonb_each(CASE jsonb_typeof(record) WHEN 'object' THEN record END) AS r) AS f
         WHERE f.field IS NOT NULL),
        '{}'::json) END
$$;

-- One value of such an object in a line of text: a change as `old → new`
-- (or the one it has), anything else as epic_audit_text says it. The same
-- rule as render's (src/render/json.rs, `readable`).
CREATE FUNCTION epic_audit_change_value(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE
        WHEN jsonb_typeof(value) = 'object' AND value <> '{}'::jsonb
             AND (value - 'old' - 'new') = '{}'::jsonb THEN
            CASE
                WHEN value ? 'old' AND value ? 'new' THEN
                    epic_audit_text(value -> 'old') || ' → ' || epic_audit_text(value -> 'new')
                WHEN value ? 'new' THEN epic_audit_text(value -> 'new')
                ELSE epic_audit_text(value -> 'old')
            END
        ELSE epic_audit_text(value)
    END
$$;

-- The changes as one line (`support: Théo Marchand → Kate Hastroff;
-- attendees: 200 → 250`), from the object above: NULL when nothing a field
-- shows changed. Only the notifications use it now; listings show the
-- object, which render says in the same words.
CREATE OR REPLACE FUNCTION epic_audit_change_text(action text, entity text, before jsonb, after jsonb,
                                                  detail jsonb)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT string_agg(c.key || ': ' || epic_audit_change_value(c.value::jsonb), '; ' ORDER BY c.at)
    FROM json_each(epic_audit_change_json(entity, before, after, detail))
         WITH ORDINALITY AS c(key, value, at)
$$;

REVOKE ALL ON FUNCTION epic_audit_field_rank(text), epic_audit_shown(text, jsonb),
    epic_audit_change_json(text, jsonb, jsonb, jsonb), epic_audit_record(text, jsonb),
    epic_audit_change_value(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_audit_field_rank(text), epic_audit_shown(text, jsonb),
    epic_audit_change_json(text, jsonb, jsonb, jsonb), epic_audit_record(text, jsonb),
    epic_audit_change_value(jsonb) TO epic_app;
