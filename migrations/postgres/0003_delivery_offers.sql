-- Delivery offers: which drivers were asked to take which order, until when,
-- and how it ended. Accepting is a conditional update of orders.driver_id, so
-- of two drivers accepting at once exactly one wins.
CREATE TABLE delivery_offers (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    driver_id  BIGINT  NOT NULL REFERENCES users (id),
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'withdrawn', 'expired')),
    distance_m BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX delivery_offers_by_order ON delivery_offers (order_id, status);
CREATE INDEX delivery_offers_by_driver ON delivery_offers (driver_id, status);
CREATE INDEX delivery_offers_pending ON delivery_offers (status, expires_at);
