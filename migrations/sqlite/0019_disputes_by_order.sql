-- Every list of orders says what resolved disputes refunded of each order
-- (`store::orders::list`): one lookup per listed order, by its id. Without
-- this index each was a scan of every dispute ever opened.
CREATE INDEX disputes_by_order ON disputes (order_id);
