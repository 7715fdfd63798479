-- A listing's `~` on an event's name, location or notes or a client's
-- email has two good plans, and which is good depends on the pattern: a
-- common word (`location ~ "Lyon"`, a tenth of the events) fills a page
-- after a few hundred rows read in id order, where gathering every match
-- through the trigram index costs a hundred thousand; a rare one matches
-- a few rows that reading in id order finds only after the whole table
-- (0.54 s at a million events). `epic_search_sampled` says which, for
-- a listing of `wanted` rows (0: every row), from a sample of about a
-- thousand rows: the planner's own estimate cannot serve, because under
-- row security (forced, so the owner's too) it may not read the column's
-- statistics with ILIKE, which is not leak-proof, and guesses. The
-- statements of each field are said once, here, for both functions.
CREATE FUNCTION epic_search_statement(field text,
    OUT statement text, OUT sample text, OUT searched regclass)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT s.statement, s.sample, s.searched::regclass FROM (VALUES
        ('event name', 'SELECT id FROM events WHERE name ILIKE $1',
         'SELECT count(*) FILTER (WHERE name ILIKE $1), count(*) FROM events TABLESAMPLE SYSTEM ($2) REPEATABLE (0)',
         'events'),
        ('event location', 'SELECT id FROM events WHERE location ILIKE $1',
         'SELECT count(*) FILTER (WHERE location ILIKE $1), count(*) FROM events TABLESAMPLE SYSTEM ($2) REPEATABLE (0)',
         'events'),
        ('event notes', 'SELECT id FROM events WHERE notes ILIKE $1',
         'SELECT count(*) FILTER (WHERE notes ILIKE $1), count(*) FROM events TABLESAMPLE SYSTEM ($2) REPEATABLE (0)',
         'events'),
        ('client email', 'SELECT id FROM clients WHERE email ILIKE $1',
         'SELECT count(*) FILTER (WHERE email ILIKE $1), count(*) FROM clients TABLESAMPLE SYSTEM ($2) REPEATABLE (0)',
         'clients')
    ) AS s(field, statement, sample, searched)
    WHERE s.field = epic_search_statement.field
$$;
REVOKE ALL ON FUNCTION epic_search_statement(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION epic_search(field text, pattern text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED ROWS 100
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    statement text := (epic_search_statement(field)).statement;
BEGIN
    IF statement IS NULL OR epic_session_employee() IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE statement USING pattern;
END $$;

-- Reading in id order until `wanted` rows match reads about
-- wanted * rows / matches of them; the index reads the matches. So the
-- index wins when matches² <= wanted * rows. For every row (`wanted` 0),
-- when a quarter of the rows match at most: past that, the id order's
-- one pass over the table is cheaper than looking each match up. The
-- sample is the same for the same table (REPEATABLE), so `explain` shows
-- the plan the listing runs. `matches` is the sample's estimate, which a
-- listing's footer shows for a common word rather than count to its cap.
CREATE FUNCTION epic_search_sampled(field text, pattern text, wanted bigint,
    OUT selective boolean, OUT matches bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    search record := epic_search_statement(field);
    total float8;
    sampled_matches float8;
    sampled float8;
    estimate float8;
BEGIN
    selective := false;
    IF search.statement IS NULL OR epic_session_employee() IS NULL THEN
        RETURN;
    END IF;
    SELECT c.reltuples INTO total FROM pg_class c WHERE c.oid = search.searched;
    EXECUTE search.sample INTO sampled_matches, sampled
        USING pattern, CASE WHEN total > 0 THEN least(100, 100 * 1000 / total) ELSE 100 END::real;
    IF sampled = 0 THEN
        selective := true;
        RETURN;
    END IF;
    -- Never analysed (-1) or empty when last analysed: the sample was the
    -- whole table.
    IF total <= 0 THEN
        total := sampled;
    END IF;
    estimate := sampled_matches / sampled * total;
    matches := round(estimate)::bigint;
    selective := CASE WHEN wanted <= 0 THEN estimate * 4 <= total
                      ELSE estimate * estimate <= wanted * total END;
END $$;
REVOKE ALL ON FUNCTION epic_search_sampled(text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_search_sampled(text, text, bigint) TO epic_app;
