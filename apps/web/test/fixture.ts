import {
  encodeBenchmark,
  makeSyntheticBenchmark,
  NODE_COMPRESSORS,
} from '@nashpobench2/dataset/node';

/** Settings of the browser tests' fixture: every class (so optimizers can search), few epochs and seeds. */
export const FIXTURE_OPTIONS = { seeds: [222, 555], epochs: 2, rngSeed: 7 } as const;

/** The small synthetic benchmark the browser tests load, as Parquet bytes. */
export function fixtureBytes(): Uint8Array {
  const benchmark = makeSyntheticBenchmark({
    ...FIXTURE_OPTIONS,
    seeds: [...FIXTURE_OPTIONS.seeds],
  });
  return new Uint8Array(encodeBenchmark(benchmark, { compressors: NODE_COMPRESSORS }));
}

/** A benchmark of three classes only: it loads, but optimizers cannot search it. */
export function partialFixtureBytes(): Uint8Array {
  const benchmark = makeSyntheticBenchmark({ classes: 3, seeds: [222], epochs: 2, rngSeed: 3 });
  return new Uint8Array(encodeBenchmark(benchmark, { compressors: NODE_COMPRESSORS }));
}
