-- A driver is on at most one delivery, held by the database: two accepts
-- racing on two offers cannot both commit, whatever the isolation level.
CREATE UNIQUE INDEX orders_one_active_delivery_per_driver ON orders (driver_id)
    WHERE driver_id IS NOT NULL
      AND status IN ('confirmed', 'preparing', 'ready', 'out_for_delivery');
