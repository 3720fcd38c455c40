//! catalog (stub).
