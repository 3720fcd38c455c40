//! entities (stub).
