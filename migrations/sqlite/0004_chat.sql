-- Chat inside an order. A message is unique per sender and client id, so a
-- resend after a lost ack finds the first one instead of making a second.
CREATE TABLE chat_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sender_id  INTEGER NOT NULL REFERENCES users (id),
    client_id  TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (sender_id, client_id)
);
CREATE INDEX chat_messages_by_order ON chat_messages (order_id, id);

-- How far each participant has read in each order's chat ("seen").
CREATE TABLE chat_reads (
    order_id     INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    last_read_id INTEGER NOT NULL,
    read_at      INTEGER NOT NULL,
    PRIMARY KEY (order_id, user_id)
);
