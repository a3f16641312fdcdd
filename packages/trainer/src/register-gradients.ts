// tfjs-core ships its gradient functions only as extensionless ES modules that Node cannot load;
// the union package registers all of them (its Node bundle is CommonJS, its browser entry ESM)
// into tfjs-core's global gradient registry, shared by every copy of the same version.
import '@tensorflow/tfjs';

/** True once the gradient functions of every TensorFlow.js kernel are registered. */
export const GRADIENTS_REGISTERED = true;
