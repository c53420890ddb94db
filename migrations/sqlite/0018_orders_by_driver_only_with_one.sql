-- An order has no driver from its checkout until dispatch, and every
-- status change before then rewrote a (NULL, status) entry into
-- orders_by_driver. Every read by this index names a driver
-- (`driver_id = $1`, or `IS NOT NULL`), which implies the predicate below,
-- so the index keeps only orders that have one. Orders looking for a
-- driver are found by orders_by_status, as they already were.
DROP INDEX IF EXISTS orders_by_driver;
CREATE INDEX orders_by_driver ON orders (driver_id, status) WHERE driver_id IS NOT NULL;
