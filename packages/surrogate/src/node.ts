/** Node-only entry: reading and writing model files on disk. */
export * from './index.js';
export { loadSurrogateFile, saveSurrogateFile } from './model-file-node.js';
