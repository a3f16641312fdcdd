import type { Benchmark } from '@nashpobench2/dataset';
import { describeProvenance } from './provenance.js';

/** Props of `ProvenanceBar`. */
export interface ProvenanceBarProps {
  readonly benchmark: Benchmark;
  /** File the benchmark was read from. */
  readonly label: string;
  /** What the view shows, for example `12-epoch valid accuracy (measured)`. */
  readonly showing: string;
}

/** One line on every view: which file, which protocol, where the numbers came from, what is shown. */
export function ProvenanceBar({ benchmark, label, showing }: ProvenanceBarProps) {
  const facts = describeProvenance(benchmark, label);
  return (
    <aside class="provenance" data-testid="provenance">
      {facts.ownBenchmark ? (
        <span class="own-benchmark" data-testid="provenance-own">
          <b>Benchmark</b> {facts.ownBenchmark}
        </span>
      ) : null}
      <span>
        <b>File</b> {facts.file}
      </span>
      <span>
        <b>Protocol</b> {facts.protocol}
      </span>
      <span>
        <b>Source</b> {facts.source}
      </span>
      <span>
        <b>Data</b> {facts.measured}
      </span>
      <span>
        <b>Showing</b> {showing}
      </span>
    </aside>
  );
}
