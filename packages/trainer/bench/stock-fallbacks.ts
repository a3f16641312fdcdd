/**
 * The "before" configuration of the speed benchmark: stock tfjs-backend-wasm 4.22 plus the one
 * kernel it lacks for training a CNN (Conv2DBackpropFilter), written the direct way: a loop over
 * the WASM heap in JavaScript. (Delegating to the 'cpu' backend's kernel is ~40× slower still.)
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

let registered = false;

/** Registers the naive Conv2DBackpropFilter for 'wasm' (idempotent). */
export function registerStockFallbacks(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const x = inputs.x as tf.TensorInfo;
      const dy = inputs.dy as tf.TensorInfo;
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number;
        filterShape: [number, number, number, number];
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const out = wasm.makeOutput(a.filterShape, 'float32');
      const dw = wasm.typedArrayFromHeap(out);
      const xs = wasm.typedArrayFromHeap(x);
      const dys = wasm.typedArrayFromHeap(dy);
      const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
      const { top, left } = info.padInfo;
      dw.fill(0);
      for (let kh = 0; kh < info.filterHeight; kh++) {
        for (let kw = 0; kw < info.filterWidth; kw++) {
          for (let n = 0; n < batchSize; n++) {
            for (let oh = 0; oh < outHeight; oh++) {
              const ih = oh * info.strideHeight + kh - top;
              if (ih < 0 || ih >= inHeight) continue;
              for (let ow = 0; ow < outWidth; ow++) {
                const iw = ow * info.strideWidth + kw - left;
                if (iw < 0 || iw >= inWidth) continue;
                const xBase = ((n * inHeight + ih) * inWidth + iw) * inChannels;
                const dyBase = ((n * outHeight + oh) * outWidth + ow) * outChannels;
                for (let ci = 0; ci < inChannels; ci++) {
                  const xv = xs[xBase + ci];
                  const wBase = ((kh * info.filterWidth + kw) * inChannels + ci) * outChannels;
                  for (let co = 0; co < outChannels; co++) dw[wBase + co] += xv * dys[dyBase + co];
                }
              }
            }
          }
        }
      }
      return out;
    },
  });
}
