/** Node-only entry: reading and writing model files on disk. */
export * from './index.js';
export {
  DEFAULT_SURROGATE_FILE,
  defaultSurrogatePath,
  loadBenchmarkSurrogate,
  loadSurrogateFile,
  SURROGATE_DATA_DIRECTORY,
  SURROGATE_FILE_NAME,
  saveBenchmarkSurrogate,
  saveSurrogateFile,
} from './model-file-node.js';
