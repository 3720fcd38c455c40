//! detcat turns a detection-engineering repository into a published, cross-linked catalog.
//!
//! The flow runs one way: `load` reads files, `sigma` and `entities` parse them, `catalog`
//! links them (with `attack` for ATT&CK), `convert` turns rules into queries, `check` reviews
//! the linked model, `render` makes pages through Tera templates, and `site` writes them.
//! `cli` drives it all; `serve` runs the build again whenever the sources change and serves
//! the result to a browser.

pub mod attack;
pub mod build;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod convert;
pub mod diag;
pub mod entities;
pub mod load;
pub mod render;
pub mod serve;
pub mod sigma;
pub mod site;
