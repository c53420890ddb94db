//! Status changes on PostgreSQL, written many to a statement (group
//! commit). Each change was one statement of its own (`store::pg_write`),
//! and PostgreSQL's fixed cost per statement was most of its work: at
//! 1,000 changes a second it spent more of the machine than the server,
//! in executor start-up, planning, opening six tables with twenty indexes
//! and committing, once per change (pg_stat_statements: 0.52 ms of
//! execution per change, plus planning). Written eight to a statement
//! (pgbench, same rows), the same two cores took 2.4 times the changes.
//!
//! So a node queues its changes and writes them together
//! (`store::batched`). Each change keeps its own outcome: the statement
//! updates an order only at the version its change was decided on, and
//! says, per order, whether it did and its newest event. Two changes of
//! one order never share a statement (the second waits for the next), so
//! one update decides between them as before.
//!
//! Deadlocks: two nodes' statements that notify the same users used to
//! lock those users' rows in whatever order their joins met them, and
//! PostgreSQL then ended one of them after `deadlock_timeout` (a second):
//! a 1 s stall at p99 with two nodes at 3,500 changes/s. Now every
//! statement locks orders in id order (the index scan walks the sorted
//! array), then users in id order (`ORDER BY id FOR NO KEY UPDATE` before
//! the update), as every other write that raises several users' unread
//! counts does through `store::users_in_id_order` (the tail this
//! statement shares with checkouts, `pg_write::logged_sql`, spells the
//! clause inline): one global order, so no cycle.

use sqlx::AnyPool;

use super::batched::{array, outcomes, Batch, Outcomes};
use super::pg_write::{logged_sql, text, LoggedRows, Step};
use super::write::Query;
use model::OrderId;

/// The changes of one statement, each the rows it writes (as JSON):
/// `$1` the changes, `$2` their own events, `$3` their notifications.
/// Rows of one change share its order id `o`.
const SQL: &str = concat!(
    "\
WITH s AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json)
    AS x(o bigint, version bigint, status text, by bigint, reason text, at bigint)),
u AS (
  UPDATE orders SET status = s.status, version = orders.version + 1, updated_at = s.at
  FROM s WHERE orders.id = ANY (ARRAY(SELECT o FROM s))
    AND orders.id = s.o AND orders.version = s.version
  RETURNING s.o, s.at),
h AS (
  INSERT INTO order_history (order_id, status, by_user_id, reason, at)
  SELECT s.o, s.status, s.by, s.reason, s.at FROM s JOIN u ON u.o = s.o),
",
    logged_sql!()
);

/// One change's rows, as the statement takes them.
pub struct StepRows {
    order_id: OrderId,
    step: String,
    logged: LoggedRows,
}

impl StepRows {
    pub fn of(step: &Step<'_>) -> Result<StepRows, sqlx::Error> {
        let logged = &step.logged;
        let o = step.order_id.0;
        Ok(StepRows {
            order_id: step.order_id,
            step: format!(
                r#"{{"o":{o},"version":{},"status":{},"by":{},"reason":{},"at":{}}}"#,
                step.version,
                text(step.to.as_str()),
                step.by.0,
                step.reason.map_or_else(|| "null".to_owned(), text),
                logged.at
            ),
            logged: LoggedRows::of(o, logged)?,
        })
    }
}

impl Batch for StepRows {
    fn order_id(&self) -> OrderId {
        self.order_id
    }

    fn apart(&self) -> i64 {
        self.order_id.0
    }

    fn events(&self) -> usize {
        self.logged.events()
    }

    /// Per order, its newest event id if its change was written.
    async fn written(pool: &AnyPool, rows: &[&StepRows]) -> Result<Outcomes, sqlx::Error> {
        let query = Query::new(SQL).bind(array(rows.iter().map(|r| r.step.as_str())));
        let query = LoggedRows::bind(query, rows.iter().map(|r| &r.logged));
        outcomes(query, pool).await
    }
}
