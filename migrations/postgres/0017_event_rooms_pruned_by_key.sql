-- Every change inserts three to five room rows, and each paid for two
-- B-tree inserts: the key (room, event_id), which replay reads by, and
-- event_rooms_by_event (0014), which only pruning read by. An event's row
-- carries its rooms (0008), so pruning now deletes its room rows by the
-- key instead (`events::prune`), and the second index goes.
--
-- Events logged before 0008 carry '[]': they get their rooms from their
-- room rows first (by the index, while it is still here), so pruning them
-- leaves no room row behind.
UPDATE events e
SET rooms = (SELECT json_agg(r.room ORDER BY r.room)::text FROM event_rooms r WHERE r.event_id = e.id)
WHERE e.rooms = '[]' AND EXISTS (SELECT 1 FROM event_rooms r WHERE r.event_id = e.id);

DROP INDEX IF EXISTS event_rooms_by_event;
