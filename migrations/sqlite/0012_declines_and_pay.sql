-- A driver may decline an offer ('declined'): it never comes back to them.
-- SQLite cannot change a CHECK, so the table is rebuilt with its rows.
CREATE TABLE delivery_offers_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    driver_id  INTEGER NOT NULL REFERENCES users (id),
    status     TEXT    NOT NULL
        CHECK (status IN ('pending', 'accepted', 'withdrawn', 'expired', 'declined')),
    distance_m INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO delivery_offers_new (id, order_id, driver_id, status, distance_m, created_at, expires_at)
    SELECT id, order_id, driver_id, status, distance_m, created_at, expires_at FROM delivery_offers;
DROP TABLE delivery_offers;
ALTER TABLE delivery_offers_new RENAME TO delivery_offers;
CREATE INDEX delivery_offers_by_order ON delivery_offers (order_id, status);
CREATE INDEX delivery_offers_by_driver ON delivery_offers (driver_id, status);
CREATE INDEX delivery_offers_pending ON delivery_offers (status, expires_at);

-- What the driver earns for the delivery, fixed when they accept it.
ALTER TABLE orders ADD COLUMN driver_pay_cents INTEGER;
-- A driver's recent deliveries (their "Today").
CREATE INDEX orders_by_driver_and_time ON orders (driver_id, updated_at) WHERE driver_id IS NOT NULL;
