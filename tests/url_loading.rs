//! url_loading
