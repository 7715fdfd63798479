-- Login attempts, for throttling: after too many failures for one email in
-- a window, further attempts are refused for a cool-down period. Kept per
-- email as typed (lowercased), whether or not such an employee exists, so the
-- throttle reveals nothing about which emails are real.

CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_key text        NOT NULL CHECK (email_key = lower(email_key) AND length(email_key) <= 254),
    -- `success` and `unlock` (by an admin) restart the count of failures.
    kind      text        NOT NULL CHECK (kind IN ('failure', 'success', 'unlock')),
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email_key, at);
