-- A driver may decline an offer ('declined'): it never comes back to them.
ALTER TABLE delivery_offers DROP CONSTRAINT delivery_offers_status_check;
ALTER TABLE delivery_offers ADD CONSTRAINT delivery_offers_status_check
    CHECK (status IN ('pending', 'accepted', 'withdrawn', 'expired', 'declined'));

-- What the driver earns for the delivery, fixed when they accept it.
ALTER TABLE orders ADD COLUMN driver_pay_cents BIGINT;
-- A driver's recent deliveries (their "Today").
CREATE INDEX orders_by_driver_and_time ON orders (driver_id, updated_at) WHERE driver_id IS NOT NULL;
