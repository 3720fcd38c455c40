//! value (stub, replaced by the typed model).
