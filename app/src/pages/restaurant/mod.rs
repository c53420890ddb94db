//! Restaurant staff: the live order board and the menu editor.

mod board;
mod menu;
mod menu_new;

pub use board::Board;
pub use menu::MenuEditor;
