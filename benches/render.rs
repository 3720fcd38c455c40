//! Rendering: the page of the largest rule file, in Markdown and in HTML.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use detcat::render::views::{self, Context};
use detcat::render::Templates;

fn render(c: &mut Criterion) {
    let templates = Templates::load(None).expect("the built-in templates load");
    for fixture in common::fixtures() {
        let i = common::largest_rule(&fixture.catalog);
        let entry = &fixture.catalog.rules[i];
        let mut group = c.benchmark_group(format!("render/{}", fixture.name));
        for ext in ["md", "html"] {
            let cx =
                Context { catalog: &fixture.catalog, attack: &fixture.attack, ext, root: "../" };
            group.bench_function(format!("rule page {ext}"), |b| {
                b.iter(|| {
                    let view = views::rule_view(&cx, entry, &fixture.queries[i], &[]);
                    templates.render_page(&cx, "rule", &view).expect("the rule page renders")
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, render);
criterion_main!(benches);
