-- The rooms of an event also travel in its row (a JSON array of names), so
-- the per-node log tail emits an event from one row read. The trigger fans
-- them out into event_rooms (what replay selects by) inside the INSERT
-- itself: a batch of events is one statement, not one per room.
ALTER TABLE events ADD COLUMN rooms TEXT NOT NULL DEFAULT '[]';

CREATE TRIGGER events_fan_out_rooms AFTER INSERT ON events
BEGIN
    INSERT INTO event_rooms (event_id, room) SELECT NEW.id, value FROM json_each(NEW.rooms);
END;

-- An order's first history row (placed, by its customer, when created) is
-- written by the INSERT of the order itself: one statement fewer per checkout.
CREATE TRIGGER orders_first_history AFTER INSERT ON orders
BEGIN
    INSERT INTO order_history (order_id, status, by_user_id, reason, at)
    VALUES (NEW.id, NEW.status, NEW.customer_id, NULL, NEW.created_at);
END;
