//! Conversion: the first rule of the largest rule file, for each target.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use detcat::convert::{self, ConvertOptions, Target};

fn convert(c: &mut Criterion) {
    let options = ConvertOptions::default();
    for fixture in common::fixtures() {
        let entry = &fixture.catalog.rules[common::largest_rule(&fixture.catalog)];
        let Some(rule) = entry.item.set().rules().first() else { continue };
        let mut group = c.benchmark_group(format!("convert/{}", fixture.name));
        for target in Target::ALL {
            group.bench_function(target.id(), |b| {
                b.iter(|| convert::convert_rule(rule, target, &options))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, convert);
criterion_main!(benches);
