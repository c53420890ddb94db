-- The rooms of an event also travel in its row (a JSON array of names), so
-- the per-node log tail emits an event from one row read. The writer fans
-- them out into event_rooms (what replay selects by) in the same statement
-- that inserts the events.
ALTER TABLE events ADD COLUMN rooms TEXT NOT NULL DEFAULT '[]';

-- An order's first history row (placed, by its customer, when created) is
-- written by the INSERT of the order itself: one statement fewer per checkout.
CREATE FUNCTION orders_first_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_history (order_id, status, by_user_id, reason, at)
    VALUES (NEW.id, NEW.status, NEW.customer_id, NULL, NEW.created_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_first_history AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_first_history();
