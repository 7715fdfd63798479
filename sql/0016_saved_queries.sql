-- Saved queries (`save query NAME as ...`): a read kept by name in the
-- database, so it follows its employee from desk to desk. Each is an
-- employee's own (`owner_id`) or the team's (`owner_id` NULL), which only
-- management and admins save or delete. The text is the command as epic
-- prints it; it is parsed again at each run, so the checker and row
-- security decide what it shows then, for whoever runs it.
--
-- Desks' SQL gets what the shell gives: one reads one's own and the
-- team's, saves and deletes one's own; the team's only as management or
-- admin. Nobody updates a saved query: it is deleted and saved again.

CREATE TABLE saved_queries (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id   bigint      REFERENCES employees (id) ON DELETE CASCADE,
    -- The parser's `query_name`, lowercased (src/syntax/parser/saved.rs).
    name       text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    text       text        NOT NULL CHECK (length(text) BETWEEN 1 AND 65536),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Printed commands are one line of plain text (see sql/0010).
    CONSTRAINT saved_queries_text_one_line
        CHECK (text !~ '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]')
);

-- One name per owner, and one among the team's.
CREATE UNIQUE INDEX saved_queries_name_key ON saved_queries (coalesce(owner_id, 0), name);

ALTER TABLE saved_queries ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_queries FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON saved_queries TO epic_owner USING (true) WITH CHECK (true);

GRANT SELECT, INSERT (owner_id, name, text), DELETE ON saved_queries TO epic_app;

CREATE POLICY app_read ON saved_queries FOR SELECT TO epic_app
    USING (owner_id = (SELECT epic_session_employee())
           OR (owner_id IS NULL AND (SELECT epic_session_employee()) IS NOT NULL));
CREATE POLICY app_save ON saved_queries FOR INSERT TO epic_app
    WITH CHECK (owner_id = (SELECT epic_session_employee())
                OR (owner_id IS NULL AND (SELECT epic_session_role()) IN ('management', 'admin')));
CREATE POLICY app_delete ON saved_queries FOR DELETE TO epic_app
    USING (owner_id = (SELECT epic_session_employee())
           OR (owner_id IS NULL AND (SELECT epic_session_role()) IN ('management', 'admin')));
