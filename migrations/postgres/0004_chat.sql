-- Chat inside an order. A message is unique per sender and client id, so a
-- resend after a lost ack finds the first one instead of making a second.
CREATE TABLE chat_messages (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sender_id  BIGINT NOT NULL REFERENCES users (id),
    client_id  TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (sender_id, client_id)
);
CREATE INDEX chat_messages_by_order ON chat_messages (order_id, id);

-- How far each participant has read in each order's chat ("seen").
CREATE TABLE chat_reads (
    order_id     BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    last_read_id BIGINT NOT NULL,
    read_at      BIGINT NOT NULL,
    PRIMARY KEY (order_id, user_id)
);
