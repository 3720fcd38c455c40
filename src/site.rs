//! site (stub).
