-- PostgreSQL drops its index of room rows by event here (see its 0017):
-- it prunes room rows by their key. SQLite keeps the index: its foreign
-- key from event_rooms to events cascades each pruned event to its rooms,
-- and the cascade looks them up by event. Both backends' migrations keep
-- the same numbers.
SELECT 1;
