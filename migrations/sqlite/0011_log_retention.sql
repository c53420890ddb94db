-- The event log does not keep everything forever: offers (with a
-- customer's drop-off address) go once they are settled, and everything
-- else after a week (`service::retention`). `pruned_through` is the newest
-- id ever pruned: a client resuming from a cursor below it is told to
-- fetch its state again (`hello.resync`), since replay can no longer give
-- it everything it missed.
CREATE TABLE log_retention (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through INTEGER NOT NULL
);
INSERT INTO log_retention (id, pruned_through) VALUES (1, 0);

-- Finds old offers without scanning the rest of the log.
CREATE INDEX events_offers_by_time ON events (at)
    WHERE kind IN ('delivery:offer', 'delivery:offer_withdrawn');
