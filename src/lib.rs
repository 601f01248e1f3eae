//! Vouch's engine: everything that is not a window.
//!
//! Both doors, the `vouch` CLI and the desktop app, call these functions; neither computes
//! anything the engine could.

#![deny(missing_docs)]

pub mod call;
pub mod contract;
pub mod diagnostic;
pub mod diff;
pub mod exchange;
pub mod fuzz;
pub mod inspect;
pub mod load;
pub mod mask;
pub mod mock;
pub mod report;
pub mod request;
pub mod run;
pub mod spec;
pub mod store;
pub mod suite;
pub mod workbench;

pub use diagnostic::{Diagnostic, Error, Problem};
