//! modifier (stub, replaced by the typed model).
