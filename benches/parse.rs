//! Parsing: one rule file (the largest of each catalog), and every rule file of the catalog.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detcat::load::SourceFile;
use detcat::sigma;

fn parse(c: &mut Criterion) {
    for fixture in common::fixtures() {
        let files: Vec<SourceFile> = fixture
            .catalog
            .rules
            .iter()
            .map(|e| SourceFile {
                path: e.item.file.path.clone(),
                text: e.item.file.source.clone(),
            })
            .collect();
        let largest = &files[common::largest_rule(&fixture.catalog)];
        let mut group = c.benchmark_group(format!("parse/{}", fixture.name));
        group.throughput(Throughput::Bytes(largest.text.len() as u64));
        group.bench_function("largest rule file", |b| b.iter(|| sigma::parse_file(largest)));
        group.throughput(Throughput::Elements(files.len() as u64));
        group.bench_function("every rule file", |b| {
            b.iter(|| files.iter().map(sigma::parse_file).count())
        });
        group.finish();
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
