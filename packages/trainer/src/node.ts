/** Node-only entry: backends, CIFAR-10 files and download, cached data, sweeps with workers. */

export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendSelection,
  selectBackend,
} from './backend.js';
export {
  CIFAR10_MD5,
  CIFAR10_URL,
  type DownloadOptions,
  type DownloadResult,
  defaultCacheDir,
  downloadCifar10,
  fileMd5,
} from './download-cifar10.js';
export * from './index.js';
export { type LoadCifar10Options, loadCifar10 } from './load-cifar10.js';
export {
  loadOfficialSplit,
  loadPreparedData,
  type PreparedDataOptions,
  protocolText,
} from './prepared-cache.js';
export {
  effectiveProtocol,
  longPartName,
  parsePartName,
  runPartName,
  type SweepConfig,
  SweepExecutor,
  TRAINER_VERSION,
  type UnitResult,
} from './sweep-executor.js';
export {
  finishedUnits,
  runSweep,
  type SweepEvent,
  type SweepOptions,
  type SweepSummary,
  sweepWorkerEntry,
} from './sweep-runner.js';
export type { FromWorker, ToWorker } from './sweep-worker.js';
