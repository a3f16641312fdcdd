import { DEFAULT_BENCHMARK_FILE } from '@nashpobench2/dataset';
import { describe, expect, it } from 'vitest';
import { chooseDataSource, DEFAULT_SOURCE } from './data-source.js';

describe('chooseDataSource', () => {
  it('opens the embedded default benchmark when nothing is given', () => {
    const chosen = chooseDataSource('', undefined);
    expect(chosen.kind).toBe('default');
    expect(chosen.label).toBe('default-v1.parquet (embedded in @nashpobench2/dataset)');
    expect(chosen.label.startsWith(DEFAULT_BENCHMARK_FILE)).toBe(true);
  });

  it('falls back to the default for an empty ?data= and for a site configuration without data', () => {
    // `nhb web` without a benchmark serves `{}` as its configuration.
    expect(chooseDataSource('?data=', {}).kind).toBe('default');
    expect(chooseDataSource('?data=%20%20&x=1', { dataName: 'x.parquet' })).toBe(DEFAULT_SOURCE);
  });

  it('uses the site configuration of nhb web before the default', () => {
    expect(chooseDataSource('', { dataUrl: 'data/benchmark.parquet' })).toEqual({
      kind: 'url',
      url: 'data/benchmark.parquet',
      label: 'benchmark.parquet',
    });
    expect(
      chooseDataSource('?other=1', { dataUrl: 'data/benchmark.parquet', dataName: 'mine.parquet' }),
    ).toEqual({ kind: 'url', url: 'data/benchmark.parquet', label: 'mine.parquet' });
  });

  it('lets ?data= win over the site configuration and the default', () => {
    const config = { dataUrl: 'data/benchmark.parquet', dataName: 'mine.parquet' };
    expect(chooseDataSource('?data=runs/b%20c.parquet', config)).toEqual({
      kind: 'url',
      url: 'runs/b c.parquet',
      label: 'b c.parquet',
    });
    expect(chooseDataSource('?data=https://example.org/x/y.parquet?v=2', undefined)).toEqual({
      kind: 'url',
      url: 'https://example.org/x/y.parquet?v=2',
      label: 'y.parquet',
    });
  });
});
