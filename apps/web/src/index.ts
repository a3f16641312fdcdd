/** Placeholder for the web explorer (issue 7). */
export const PACKAGE_NAME = '@nashpobench2/web';
