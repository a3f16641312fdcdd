/** Placeholder: this package is being built; see its README. */
export const PACKAGE_NAME = '@nashpobench2/trainer';
