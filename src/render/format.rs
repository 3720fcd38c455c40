//! Output formats: one table that drives the `--format` choices, their help, and which page
//! formats (file extension, index name, assets) a build writes.
//!
//! What a page says lives in the views and templates; this module only names the formats.
//! A derived `ValueEnum` was the alternative we dropped: its names and help would live on
//! the enum's attributes, apart from the extensions and assets they stand for.

use clap::builder::PossibleValue;
use clap::ValueEnum;

/// What `detcat build --format` chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Markdown pages only.
    Markdown,
    /// HTML pages and their stylesheet only.
    Html,
    /// Both, side by side.
    #[default]
    All,
}

/// One kind of page file: how it is named and what it needs beside it.
#[derive(Debug, PartialEq, Eq)]
pub struct PageFormat {
    /// File extension of pages, which is also the extension of their templates.
    pub ext: &'static str,
    /// The index page's file stem.
    pub index: &'static str,
    /// Files written once per site for these pages, as (path, content).
    pub assets: &'static [(&'static str, &'static str)],
    /// Whether a search page and its index come with these pages.
    pub search: bool,
}

/// Markdown pages, which read well on GitHub.
pub const MARKDOWN: PageFormat =
    PageFormat { ext: "md", index: "README", assets: &[], search: false };

/// HTML pages with their stylesheet, scripts and search page.
pub const HTML: PageFormat =
    PageFormat { ext: "html", index: "index", assets: &super::html::ASSETS, search: true };

/// One row of the format table.
struct Row {
    format: Format,
    name: &'static str,
    help: &'static str,
    pages: &'static [&'static PageFormat],
}

const FORMATS: [Row; 3] = [
    Row {
        format: Format::Markdown,
        name: "markdown",
        help: "Markdown pages (README.md, rules/<name>.md, ...)",
        pages: &[&MARKDOWN],
    },
    Row {
        format: Format::Html,
        name: "html",
        help: "HTML pages (index.html, rules/<name>.html, search.html, ...) and assets/",
        pages: &[&HTML],
    },
    Row {
        format: Format::All,
        name: "all",
        help: "Markdown and HTML pages side by side",
        pages: &[&MARKDOWN, &HTML],
    },
];

const VARIANTS: [Format; 3] = [FORMATS[0].format, FORMATS[1].format, FORMATS[2].format];

impl Format {
    fn row(self) -> &'static Row {
        FORMATS.iter().find(|row| row.format == self).expect("every format has a row")
    }

    /// The page formats this format writes.
    pub fn pages(self) -> &'static [&'static PageFormat] {
        self.row().pages
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &VARIANTS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let row = self.row();
        Some(PossibleValue::new(row.name).help(row.help))
    }
}

/// The page format whose pages have the extension `ext`.
pub fn page_format(ext: &str) -> Option<&'static PageFormat> {
    [&MARKDOWN, &HTML].into_iter().find(|p| p.ext == ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_named_once_and_parses_back() {
        for format in VARIANTS {
            let name = format.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(Format::from_str(&name, false), Ok(format));
        }
        assert_eq!(Format::default().pages(), [&MARKDOWN, &HTML]);
    }
}
