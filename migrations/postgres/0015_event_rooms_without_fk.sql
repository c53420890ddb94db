-- An event's rooms are written in the same statement as the event (the
-- status step's WITH, `events::append_all`) and deleted in the same
-- transaction as the event (`events::prune`), so the foreign key checked
-- what the code already guarantees, once per room row: a lookup of the
-- event by key inside every change (perf at 1,000 changes/s: foreign-key
-- checks were about a tenth of PostgreSQL's CPU, three to five room rows
-- per event). SQLite keeps its key: its check is an in-process lookup.
ALTER TABLE event_rooms DROP CONSTRAINT IF EXISTS event_rooms_event_id_fkey;
