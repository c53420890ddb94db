-- A customer's complaint about a delivered order and how an admin settled
-- it: who opened it and when, who resolved it, how, and when. At most one
-- open dispute per order.
CREATE TABLE disputes (
    id           BIGSERIAL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    customer_id  BIGINT NOT NULL REFERENCES users (id),
    reason       TEXT NOT NULL CHECK (reason IN ('missing_item', 'wrong_item', 'late', 'damaged', 'other')),
    details      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution   TEXT CHECK (resolution IN ('full_refund', 'partial_refund', 'rejected')),
    refund_cents BIGINT CHECK (refund_cents >= 0),
    note         TEXT,
    resolved_by  BIGINT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    resolved_at  BIGINT
);
CREATE UNIQUE INDEX disputes_one_open_per_order ON disputes (order_id) WHERE status = 'open';
CREATE INDEX disputes_by_status ON disputes (status, id);
