import { useEffect, useRef, useState } from 'preact/hooks';
import { chooseDataSource, type DataSource, fetchSiteConfig } from './load/data-source.js';
import { type LoadedBenchmark, type LoadProgress, loadBenchmark } from './load/load-benchmark.js';
import { CellView } from './views/cell-view.js';
import { LandscapeView } from './views/landscape-view.js';
import { RaceView } from './views/race-view.js';

type Tab = 'cell' | 'landscape' | 'race';
const TABS: readonly { id: Tab; title: string }[] = [
  { id: 'cell', title: 'Cell' },
  { id: 'landscape', title: 'Landscape' },
  { id: 'race', title: 'Optimizer race' },
];

type LoadState =
  | { status: 'choosing' }
  | { status: 'loading'; source: DataSource; progress?: LoadProgress }
  | { status: 'ready'; loaded: LoadedBenchmark }
  | { status: 'failed'; source: DataSource; message: string };

function tabFromHash(): Tab {
  const id = location.hash.replace(/^#/, '');
  return TABS.some((tab) => tab.id === id) ? (id as Tab) : 'cell';
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function ProgressLine({ source, progress }: { source: DataSource; progress?: LoadProgress }) {
  if (!progress) return <p>Opening {source.label}…</p>;
  if (progress.phase === 'embedded') {
    return (
      <p>
        Downloading and reading the embedded default benchmark (the project's own reduced benchmark,{' '}
        {source.label}) in a background worker…
      </p>
    );
  }
  if (progress.phase === 'parse') {
    return <p>Reading {megabytes(progress.bytes)} of Parquet in a background worker…</p>;
  }
  const { loaded, total } = progress;
  return (
    <div>
      <p>
        Downloading {source.label}: {megabytes(loaded)}
        {total ? ` of ${megabytes(total)}` : ''}
      </p>
      <progress max={total ?? undefined} value={total ? loaded : undefined} />
    </div>
  );
}

function FilePicker({ onPick }: { onPick: (source: DataSource) => void }) {
  return (
    <label class="file-picker">
      Open a local benchmark (.parquet){' '}
      <input
        type="file"
        accept=".parquet"
        data-testid="file-input"
        onChange={(event) => {
          const file = (event.currentTarget as HTMLInputElement).files?.[0];
          if (file) onPick({ kind: 'file', file, label: file.name });
        }}
      />
    </label>
  );
}

/** The explorer: loads a benchmark, then shows the cell, landscape and race views. */
export function App() {
  const [state, setState] = useState<LoadState>({ status: 'choosing' });
  const [tab, setTab] = useState<Tab>(tabFromHash());

  const currentLoad = useRef<AbortController | undefined>(undefined);

  const open = (source: DataSource) => {
    // A newer choice (a picked file while the default loads) replaces the load in progress.
    currentLoad.current?.abort();
    const load = new AbortController();
    currentLoad.current = load;
    const settle = (next: LoadState) => {
      if (!load.signal.aborted) setState(next);
    };

    setState({ status: 'loading', source });
    loadBenchmark(
      source,
      (progress) => settle({ status: 'loading', source, progress }),
      load.signal,
    ).then(
      (loaded) => settle({ status: 'ready', loaded }),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        settle({ status: 'failed', source, message });
      },
    );
  };

  useEffect(() => {
    fetchSiteConfig(document.baseURI).then((config) =>
      open(chooseDataSource(location.search, config)),
    );
    const onHash = () => setTab(tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  return (
    <div class="app" data-status={state.status}>
      <header>
        <h1>NAS-HPO-Bench-II explorer</h1>
        <nav>
          {TABS.map(({ id, title }) => (
            <a
              key={id}
              href={`#${id}`}
              class={id === tab ? 'active' : ''}
              data-testid={`tab-${id}`}
            >
              {title}
            </a>
          ))}
        </nav>
        <FilePicker onPick={open} />
      </header>
      <main>
        {state.status === 'choosing' ? <p>Looking for a benchmark…</p> : null}
        {state.status === 'loading' ? (
          <section class="loading" data-testid="loading">
            <ProgressLine source={state.source} progress={state.progress} />
          </section>
        ) : null}
        {state.status === 'failed' ? (
          <LoadError source={state.source} message={state.message} />
        ) : null}
        {state.status === 'ready' ? <Views tab={tab} loaded={state.loaded} /> : null}
      </main>
    </div>
  );
}

function LoadError({ source, message }: { source: DataSource; message: string }) {
  return (
    <section class="error" role="alert" data-testid="load-error">
      <h2>The benchmark could not be loaded</h2>
      <p>
        Source: <code>{source.kind === 'url' ? source.url : source.label}</code>
      </p>
      <p class="message">{message}</p>
      <p>
        Give the explorer a benchmark file: run <code>nhb web --data &lt;file.parquet&gt;</code>,
        add <code>?data=&lt;url of a .parquet file&gt;</code> to the address, or open a local file
        with the button above.
      </p>
    </section>
  );
}

/** Mounts a view on its first visit and keeps it mounted, so a running race survives tab switches. */
function Views({ tab, loaded }: { tab: Tab; loaded: LoadedBenchmark }) {
  const [visited, setVisited] = useState<readonly Tab[]>([tab]);
  useEffect(() => {
    if (!visited.includes(tab)) setVisited([...visited, tab]);
  }, [tab, visited]);
  const shown = visited.includes(tab) ? visited : [...visited, tab];
  return (
    <>
      {shown.includes('cell') ? (
        <div hidden={tab !== 'cell'}>
          <CellView loaded={loaded} />
        </div>
      ) : null}
      {shown.includes('landscape') ? (
        <div hidden={tab !== 'landscape'}>
          <LandscapeView loaded={loaded} />
        </div>
      ) : null}
      {shown.includes('race') ? (
        <div hidden={tab !== 'race'}>
          <RaceView loaded={loaded} />
        </div>
      ) : null}
    </>
  );
}
