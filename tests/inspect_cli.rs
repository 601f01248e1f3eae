//! inspect_cli
