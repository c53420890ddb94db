-- Delivery offers: which drivers were asked to take which order, until when,
-- and how it ended. Accepting is a conditional update of orders.driver_id, so
-- of two drivers accepting at once exactly one wins.
CREATE TABLE delivery_offers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    driver_id  INTEGER NOT NULL REFERENCES users (id),
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'withdrawn', 'expired')),
    distance_m INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX delivery_offers_by_order ON delivery_offers (order_id, status);
CREATE INDEX delivery_offers_by_driver ON delivery_offers (driver_id, status);
CREATE INDEX delivery_offers_pending ON delivery_offers (status, expires_at);
