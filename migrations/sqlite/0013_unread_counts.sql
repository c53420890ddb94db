-- Each user's unread notifications, kept as a count: a new notification
-- adds one and marking read takes off what it marked, in the same
-- transaction. Counting the unread rows at every new notification cost a
-- scan as long as the unread list (on PostgreSQL a heap visit per row), on
-- every lifecycle change, for as long as the user did not read them.
ALTER TABLE users ADD COLUMN unread_notifications BIGINT NOT NULL DEFAULT 0;
UPDATE users SET unread_notifications =
    (SELECT COUNT(*) FROM notifications n WHERE n.user_id = users.id AND n.read_at IS NULL);
