//! condition (stub, replaced by the typed model).
