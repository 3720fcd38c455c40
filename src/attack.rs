//! attack (stub).
