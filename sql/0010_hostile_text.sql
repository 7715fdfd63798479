-- Stored text is plain. What is stored is shown later on other people's
-- terminals, in spreadsheets and in programs, so no text column may hold a
-- C0 control (U+0001 to U+001F; NUL cannot be stored at all), DEL (U+007F),
-- a C1 control (U+0080 to U+009F) or a bidirectional embedding, override or
-- isolate (U+202A to U+202E, U+2066 to U+2069). Only an event's notes may
-- span lines: they may hold newlines and tabs.
--
-- This is `validate::refused` in src/validate.rs, which refuses the same
-- characters first, with a caret under them; a test checks that both
-- refuse exactly the same characters, every code point tried. The rule is
-- written once here too: two patterns, and the columns they apply to.
--
-- Each constraint is `<table>_<column>_plain`. It is added NOT VALID, so
-- that rows stored before it do not stop the migration, then validated
-- where every existing row keeps it: on such a database (every new one) the
-- rule holds for all rows. Where older rows break it, the constraint stays
-- NOT VALID: it still refuses every new row and every changed one, the
-- shell shows the old text neutralised, and `update ... set` with plain
-- text repairs it.

DO $$
DECLARE
    -- In a UTF-8 database `\uXXXX` is that code point, in brackets too.
    one_line  constant text := '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]';
    -- The same, less newline (U+000A) and tab (U+0009).
    lines     constant text := '[\u0001-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]';
    col record;
BEGIN
    FOR col IN
        SELECT * FROM (VALUES
            ('employees',      'full_name',    one_line),
            ('employees',      'email',        one_line),
            ('clients',        'full_name',    one_line),
            ('clients',        'email',        one_line),
            ('clients',        'phone',        one_line),
            ('clients',        'company_name', one_line),
            ('events',         'name',         one_line),
            ('events',         'location',     one_line),
            ('events',         'notes',        lines),
            ('login_attempts', 'email_key',    one_line)
        ) AS c (tab, name, pattern)
    LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I !~ %L) NOT VALID',
                       col.tab, col.tab || '_' || col.name || '_plain', col.name, col.pattern);
        BEGIN
            EXECUTE format('ALTER TABLE %I VALIDATE CONSTRAINT %I',
                           col.tab, col.tab || '_' || col.name || '_plain');
        EXCEPTION WHEN check_violation THEN
            RAISE NOTICE '%.% holds text stored before this rule: its constraint stays NOT VALID',
                col.tab, col.name;
        END;
    END LOOP;
END
$$;
