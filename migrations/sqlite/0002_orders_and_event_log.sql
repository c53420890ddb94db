-- Orders, their lines and history, and the event log that guarantees
-- delivery: every pushed lifecycle event is a row here, written in the same
-- transaction as the change it reports, with an id that only grows.
CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id        INTEGER NOT NULL REFERENCES users (id),
    restaurant_id      INTEGER NOT NULL REFERENCES restaurants (id),
    driver_id          INTEGER REFERENCES users (id),
    status             TEXT    NOT NULL,
    subtotal_cents     INTEGER NOT NULL CHECK (subtotal_cents >= 0),
    delivery_fee_cents INTEGER NOT NULL CHECK (delivery_fee_cents >= 0),
    total_cents        INTEGER NOT NULL CHECK (total_cents >= 0),
    dropoff_address    TEXT    NOT NULL,
    dropoff_lat        REAL    NOT NULL,
    dropoff_lng        REAL    NOT NULL,
    note               TEXT,
    idempotency_key    TEXT,
    version            INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX orders_idempotency ON orders (customer_id, idempotency_key);
CREATE INDEX orders_by_customer ON orders (customer_id, id);
CREATE INDEX orders_by_restaurant ON orders (restaurant_id, status);
CREATE INDEX orders_by_driver ON orders (driver_id, status);
CREATE INDEX orders_by_status ON orders (status);

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    menu_item_id     INTEGER NOT NULL REFERENCES menu_items (id),
    name             TEXT    NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 50)
);
CREATE INDEX order_lines_by_order ON order_lines (order_id);

CREATE TABLE order_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL,
    by_user_id INTEGER REFERENCES users (id),
    reason     TEXT,
    at         INTEGER NOT NULL
);
CREATE INDEX order_history_by_order ON order_history (order_id, id);

CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT    NOT NULL,
    payload TEXT    NOT NULL,
    at      INTEGER NOT NULL
);

-- The rooms an event was sent to: replay selects by the reader's rooms.
CREATE TABLE event_rooms (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    room     TEXT    NOT NULL,
    PRIMARY KEY (room, event_id)
);
