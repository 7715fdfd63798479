-- A create looks up the client that already has the email (ignoring case)
-- so that a duplicate is named, and an import looks up its sheet's emails.
-- Under the app role `lower(email) = ...` cannot use clients_email_key:
-- lower() is not leak-proof, so the comparison runs after the policies, on
-- every row (3.3 ms a create at 11,000 clients, a read of the whole table
-- at any size). As with the searches of 0008 and 0019, the look-up runs as
-- the schema owner in a function that answers only a live session, and the
-- caller's query takes `id = ANY (...)`, keeping its own policies.
CREATE FUNCTION epic_clients_with_emails(emails text[]) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED ROWS 10
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT c.id FROM clients c
    WHERE lower(c.email) = ANY (ARRAY(SELECT lower(e) FROM unnest(emails) e))
      AND epic_session_employee() IS NOT NULL
$$;
REVOKE ALL ON FUNCTION epic_clients_with_emails(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION epic_clients_with_emails(text[]) TO epic_app;
