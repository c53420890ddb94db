-- PostgreSQL drops its first-history trigger here (see its 0016): its
-- checkout statement writes the row itself. SQLite keeps its trigger:
-- inline on the one writer it costs no round trip. Both backends'
-- migrations keep the same numbers.
SELECT 1;
