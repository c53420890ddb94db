-- Admin figures count the events of the last minute.
CREATE INDEX events_by_time ON events (at);
