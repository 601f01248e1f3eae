//! fastapi_spec
