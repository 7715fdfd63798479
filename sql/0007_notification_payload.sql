-- Live notifications carry their message: the NOTIFY payload becomes
-- "employee id:message", so an open shell can print it without a query.
-- And only employees' changes notify: a load without a session (the demo,
-- a restore, a migration) tells nobody anything.

CREATE OR REPLACE FUNCTION notify_support_contact() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
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
        PERFORM pg_notify('epic_notifications', OLD.support_contact_id || ':' || format('Event %s %s is no longer assigned to you', NEW.id, NEW.name));
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
    -- The payload is "employee id:message": an open shell shows its own at once.
    PERFORM pg_notify('epic_notifications', NEW.support_contact_id || ':' || message);
    RETURN NEW;
END $$;

