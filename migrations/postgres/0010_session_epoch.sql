-- Sessions carry the epoch their user had at sign-in; suspending a user
-- moves it on, so every session made before stays dead after reinstatement,
-- on every node and whatever the session store.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
