//! Vouch's engine: everything that is not a window.
//!
//! Both doors, the `vouch` CLI and the desktop app, call these functions; neither computes
//! anything the engine could.

#![deny(missing_docs)]

pub mod check;
pub mod contract;
pub mod exchange;
pub mod inspect;
pub mod report;
pub mod request;
pub mod spec;
pub mod store;
pub mod suite;
pub mod workbench;
