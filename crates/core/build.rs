//! `sqlx::migrate!` reads the migration files when this crate compiles, but
//! cargo does not know they are inputs: a new migration alone left a binary
//! (and a test build) without it. Naming the directories makes cargo
//! compile the crate again when any file in them changes.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations/sqlite");
    println!("cargo:rerun-if-changed=../../migrations/postgres");
}
