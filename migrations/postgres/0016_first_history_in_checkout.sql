-- An order's first history row is written by the checkout's own statement
-- (`store::pg_write::place`), not by a row trigger: the trigger ran a
-- PL/pgSQL function and its INSERT through SPI for every order, the
-- largest single part of a checkout after its rows (EXPLAIN ANALYZE). The
-- order and its first history row still commit together: one statement.
DROP TRIGGER IF EXISTS orders_first_history ON orders;
DROP FUNCTION IF EXISTS orders_first_history();
