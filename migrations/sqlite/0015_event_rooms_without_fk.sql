-- PostgreSQL drops the foreign key from event_rooms to events here (see
-- its 0015). SQLite keeps it: its check is an in-process lookup, and
-- dropping a constraint would mean rebuilding the table. Both backends'
-- migrations keep the same numbers.
SELECT 1;
