import { useEffect, useRef } from 'preact/hooks';

/** Props of `PlotFigure`. */
export interface PlotFigureProps {
  /** Builds the chart (an Observable Plot figure or any element); rerun when `deps` change. */
  readonly render: () => Element;
  /** Values the chart depends on. */
  readonly deps: readonly unknown[];
  /** Test hook and accessible name of the chart. */
  readonly testId: string;
  /** Caption under the chart. */
  readonly caption?: string;
}

/** Mounts an Observable Plot chart and replaces it whenever its inputs change. */
export function PlotFigure({ render, deps, testId, caption }: PlotFigureProps) {
  const host = useRef<HTMLDivElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what the chart reads
  useEffect(() => {
    const node = host.current;
    if (!node) return;
    const chart = render();
    node.replaceChildren(chart);
    return () => chart.remove();
  }, deps);

  return (
    <figure class="plot" data-testid={testId}>
      <div ref={host} />
      {caption ? <figcaption>{caption}</figcaption> : null}
    </figure>
  );
}
