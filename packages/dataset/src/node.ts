/** Node-only entry (files, processes). */
export * from './index.js';
