-- `import events`: the support team's spreadsheet, loaded by an admin
-- (a data migration: SPEC's "who may do what" grants it to admins only).
-- The shell plans the sheet and writes it through the same tables,
-- triggers and checks as the commands, a chunk of rows per statement.
-- What only an import may do is said here: an admin's session may create
-- clients and events while `epic.import_file` names the sheet; each record
-- it writes is filed in the trail as `import`, with the file and the
-- sheet's row (`epic.import_rows`, {"record number": row}, set by the
-- statement that writes them).

-- An import creates clients (owned by the salesperson the sheet or the
-- admin names: 0011's trigger keeps that an active salesperson) and events
-- for signed contracts (with their support contact, which the triggers
-- keep an active support employee).
CREATE POLICY app_import ON clients FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) = 'admin'
                AND current_setting('epic.import_file', true) <> '');
CREATE POLICY app_import ON events FOR INSERT TO epic_app
    WITH CHECK ((SELECT epic_session_role()) = 'admin'
                AND current_setting('epic.import_file', true) <> ''
                AND EXISTS (SELECT 1 FROM contracts k WHERE k.id = events.contract_id AND k.signed));

-- Records keep the sheet's numbers (event 109 stays event 109). Before the
-- first row is written the numbering of new records moves past the
-- sheet's highest numbers, so that no record created meanwhile, nor one
-- the import numbers itself, takes a number the sheet uses.
CREATE FUNCTION epic_import_reserve(highest_contract bigint, highest_event bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    sequence_name text;
BEGIN
    IF epic_session_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'only an admin imports a spreadsheet' USING ERRCODE = 'insufficient_privilege';
    END IF;
    sequence_name := pg_get_serial_sequence('contracts', 'id');
    IF highest_contract > coalesce(pg_sequence_last_value(sequence_name::regclass), 0) THEN
        PERFORM setval(sequence_name, highest_contract);
    END IF;
    sequence_name := pg_get_serial_sequence('events', 'id');
    IF highest_event > coalesce(pg_sequence_last_value(sequence_name::regclass), 0) THEN
        PERFORM setval(sequence_name, highest_event);
    END IF;
END $$;
REVOKE ALL ON FUNCTION epic_import_reserve(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_import_reserve(bigint, bigint) TO epic_app;

-- Which writes the statement-level trigger files instead of the row-level
-- one: while an import is marked (and no undo is), the rows a statement
-- creates, and the events it updates. The two triggers ask this same
-- question, so every row is filed exactly once, whoever set the marks
-- (the statement's trigger files a writer who is not an admin as what the
-- write is, `create` or `update`, without the import's detail).
CREATE FUNCTION epic_audited_by_statement(table_name name, operation text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT coalesce(current_setting('epic.import_file', true), '') <> ''
       AND coalesce(current_setting('epic.undoes', true), '') = ''
       AND table_name IN ('clients', 'contracts', 'events')
       AND (operation = 'INSERT' OR (operation = 'UPDATE' AND table_name = 'events'))
$$;
REVOKE ALL ON FUNCTION epic_audited_by_statement(name, text) FROM PUBLIC;

-- Who the trail files a write under: the employee of the live session the
-- policies ask for, with their name and department (both audit triggers).
CREATE FUNCTION epic_audit_actor(OUT id bigint, OUT name text, OUT department text)
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT s.employee_id, e.full_name, e.department
    FROM user_sessions s JOIN employees e ON e.id = s.employee_id
    WHERE s.token_hash = sha256(convert_to(current_setting('epic.session', true), 'UTF8'))
      AND epic_session_state(s.revoked_at, s.expires_at, s.last_seen_at) = 'ok'
      AND e.active AND NOT e.must_change_password
$$;
REVOKE ALL ON FUNCTION epic_audit_actor() FROM PUBLIC;

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
    -- An import's rows are filed by the statement's trigger below, a
    -- statement at a time.
    IF epic_audited_by_statement(TG_TABLE_NAME, TG_OP) THEN
        RETURN NULL;
    END IF;
    -- Who is acting, and their name, in one look-up (a write of a batch
    -- pays for it once per row): the same live session the policies ask for.
    SELECT a.id, a.name INTO actor, actor_name FROM epic_audit_actor() a;
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


-- The trail of an import's statement: one look-up of who is acting and one
-- INSERT for all its rows (a row at a time, the session look-up was most
-- of an imported row's cost). The rows' sheet rows come from
-- `epic.import_rows`, parsed once.
CREATE FUNCTION epic_audit_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    actor bigint;
    actor_name text;
    importing boolean;
    file text := current_setting('epic.import_file', true);
    rows_of jsonb;
    action text := CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'update' END;
    entity text := CASE TG_TABLE_NAME WHEN 'clients' THEN 'client'
                                      WHEN 'contracts' THEN 'contract' ELSE 'event' END;
BEGIN
    IF NOT epic_audited_by_statement(TG_TABLE_NAME, TG_OP) THEN
        RETURN NULL;
    END IF;
    SELECT a.id, a.name, a.department = 'admin' INTO actor, actor_name, importing
    FROM epic_audit_actor() a;
    IF actor IS NULL THEN
        RETURN NULL;
    END IF;
    IF importing THEN
        rows_of := CASE WHEN left(coalesce(current_setting('epic.import_rows', true), ''), 1) = '{'
                        THEN current_setting('epic.import_rows', true)::jsonb END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after, detail)
        SELECT actor, actor_name, CASE WHEN importing THEN 'import' ELSE action END, entity, n.id,
               NULL, n.record,
               CASE WHEN importing THEN jsonb_build_object('file', file, 'as', action,
                                                           'row', (rows_of ->> n.id::text)::integer) END
        FROM (SELECT c.id, to_jsonb(c) AS record FROM created c) AS n
        ORDER BY n.id;
    ELSE
        INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after, detail)
        SELECT actor, actor_name, CASE WHEN importing THEN 'import' ELSE action END, entity, n.id,
               to_jsonb(o), to_jsonb(n),
               CASE WHEN importing THEN jsonb_build_object('file', file, 'as', action,
                                                           'row', (rows_of ->> n.id::text)::integer) END
        FROM now_rows n JOIN was_rows o ON o.id = n.id
        ORDER BY n.id;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION epic_audit_statement() FROM PUBLIC;

CREATE TRIGGER clients_audit_statement AFTER INSERT ON clients
    REFERENCING NEW TABLE AS created FOR EACH STATEMENT EXECUTE FUNCTION epic_audit_statement();
CREATE TRIGGER contracts_audit_statement AFTER INSERT ON contracts
    REFERENCING NEW TABLE AS created FOR EACH STATEMENT EXECUTE FUNCTION epic_audit_statement();
CREATE TRIGGER events_audit_statement AFTER INSERT ON events
    REFERENCING NEW TABLE AS created FOR EACH STATEMENT EXECUTE FUNCTION epic_audit_statement();
CREATE TRIGGER events_audit_update_statement AFTER UPDATE ON events
    REFERENCING OLD TABLE AS was_rows NEW TABLE AS now_rows
    FOR EACH STATEMENT EXECUTE FUNCTION epic_audit_statement();

-- The support contact is told of an event assigned to them; an event that
-- has none, and had none, tells nobody, so it no longer asks who is acting
-- (a look-up per row of an import otherwise).
CREATE OR REPLACE FUNCTION notify_support_contact() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor   bigint;
    who     text;
    what    text;
    message text;
BEGIN
    IF NEW.support_contact_id IS NULL AND (TG_OP = 'INSERT' OR OLD.support_contact_id IS NULL) THEN
        RETURN NEW;
    END IF;
    actor := epic_session_employee();
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
