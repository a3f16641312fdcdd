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
  /** Called with the clicked SVG element (charts offer the same choice through form controls too). */
  readonly onPick?: (target: EventTarget | null) => void;
}

/** Mounts an Observable Plot chart and replaces it whenever its inputs change. */
export function PlotFigure({ render, deps, testId, caption, onPick }: PlotFigureProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const node = host.current;
    if (!node || !onPick) return;
    const listener = (event: MouseEvent) => onPick(event.target);
    node.addEventListener('click', listener);
    return () => node.removeEventListener('click', listener);
  }, [onPick]);

  // The caller lists what the chart reads in `deps`.
  useEffect(() => {
    const node = host.current;
    if (!node) return;
    const chart = render();
    node.replaceChildren(chart);
    return () => chart.remove();
  }, deps);

  return (
    <figure class="plot" data-testid={testId}>
      <div ref={host} class={onPick ? 'pickable' : undefined} />
      {caption ? <figcaption>{caption}</figcaption> : null}
    </figure>
  );
}
