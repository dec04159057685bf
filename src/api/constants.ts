/** Zephyr's constants, re-exported for the API surface (they live below every layer). */
export * from '../constants.js';
