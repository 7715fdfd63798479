-- `~` (contains, ignoring case) on every text field a user searches, each
-- with a trigram index, under row-level security. 0008 did it for a
-- client's name and company; here an event's name, location and notes and
-- a client's email. As there, a plain `ILIKE` under the app role cannot use
-- the index (it is not leak-proof, so it runs after the policies, on every
-- row), so the search runs as the schema owner in a function that answers
-- only a live session, and the listing takes `id = ANY (...)`, keeping its
-- own policies. The query is planned for the pattern itself (EXECUTE ...
-- USING), so a selective pattern uses the index and a one-letter one reads
-- the table.
CREATE INDEX events_name_trgm_idx ON events USING gin (name gin_trgm_ops);
CREATE INDEX events_location_trgm_idx ON events USING gin (location gin_trgm_ops);
CREATE INDEX events_notes_trgm_idx ON events USING gin (notes gin_trgm_ops);
CREATE INDEX clients_email_trgm_idx ON clients USING gin (email gin_trgm_ops);

-- The records whose `field` (`event name`, `event location`, `event notes`,
-- `client email`: the statement for each is fixed here, nothing of the
-- caller's is spliced in) matches `pattern`.
CREATE FUNCTION epic_search(field text, pattern text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED ROWS 100
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    statement text := CASE field
        WHEN 'event name' THEN 'SELECT id FROM events WHERE name ILIKE $1'
        WHEN 'event location' THEN 'SELECT id FROM events WHERE location ILIKE $1'
        WHEN 'event notes' THEN 'SELECT id FROM events WHERE notes ILIKE $1'
        WHEN 'client email' THEN 'SELECT id FROM clients WHERE email ILIKE $1'
    END;
BEGIN
    IF statement IS NULL OR epic_session_employee() IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE statement USING pattern;
END $$;
REVOKE ALL ON FUNCTION epic_search(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_search(text, text) TO epic_app;
