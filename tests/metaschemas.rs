//! metaschemas
