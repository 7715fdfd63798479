-- Deactivating an employee ends their sessions at once, whichever way the
-- row is changed (deleting them removes the sessions through the foreign
-- key's ON DELETE CASCADE).

CREATE FUNCTION revoke_sessions_of_deactivated() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE user_sessions SET revoked_at = now()
    WHERE employee_id = NEW.id AND revoked_at IS NULL;
    RETURN NEW;
END $$;

CREATE TRIGGER employees_deactivation_revokes_sessions
    AFTER UPDATE OF active ON employees
    FOR EACH ROW WHEN (OLD.active AND NOT NEW.active)
    EXECUTE FUNCTION revoke_sessions_of_deactivated();
