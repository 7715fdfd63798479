-- The company's time zone: the zone dates are read and shown in, for every
-- desk whose `TZ` chooses none. One row, like `security_settings`; the owner
-- writes it (the first admin's run, `demo`), management and admins change it
-- through `epic_set_time_zone`, and every desk reads it with the schema's
-- version in `epic_schema_info`, the one call a desk makes first.

CREATE TABLE company_settings (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    time_zone text    NOT NULL DEFAULT 'UTC'
);
INSERT INTO company_settings DEFAULT VALUES;

ALTER TABLE company_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE company_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON company_settings TO epic_owner USING (true) WITH CHECK (true);

-- A zone name is one PostgreSQL knows (its IANA database), on every path
-- that writes one, the owner's included.
CREATE FUNCTION epic_check_time_zone() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = NEW.time_zone) THEN
        RAISE EXCEPTION '"%" is not a time zone of the IANA database', NEW.time_zone
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'name a zone as "Europe/Paris", "America/New_York" or "UTC"';
    END IF;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION epic_check_time_zone() FROM PUBLIC;

CREATE TRIGGER company_settings_time_zone
    BEFORE INSERT OR UPDATE OF time_zone ON company_settings
    FOR EACH ROW EXECUTE FUNCTION epic_check_time_zone();

-- `set time zone` (management and admins): the role is checked here, not
-- trusted from the desk; the change is audited like a security setting's.
CREATE FUNCTION epic_set_time_zone(zone text, OUT old_zone text, OUT new_zone text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    actor bigint := epic_require_role(ARRAY['management', 'admin'],
                                      'only management and admins may change the company''s time zone');
BEGIN
    SELECT s.time_zone INTO old_zone FROM company_settings s FOR UPDATE;
    UPDATE company_settings SET time_zone = zone;
    new_zone := zone;
    INSERT INTO audit_log (actor_id, actor_name, action, detail)
    VALUES (actor, epic_employee_name(actor), 'change time zone',
            jsonb_build_object('from', old_zone, 'to', new_zone));
END $$;
REVOKE ALL ON FUNCTION epic_set_time_zone(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_set_time_zone(text) TO epic_app;

-- What a desk asks first now says the company's zone too: one round trip.
DROP FUNCTION epic_schema_info();
CREATE FUNCTION epic_schema_info(OUT version integer, OUT app_role text, OUT has_employees boolean,
                                 OUT time_zone text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT (SELECT max(m.version) FROM epic_schema_migrations m), 'epic_app'::text,
           EXISTS (SELECT 1 FROM employees), (SELECT s.time_zone FROM company_settings s)
$$;
REVOKE ALL ON FUNCTION epic_schema_info() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_schema_info() TO epic_client;
