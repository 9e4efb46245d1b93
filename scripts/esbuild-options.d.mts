import type { BuildOptions } from 'esbuild';

/** esbuild options shared by every bundle of Keen's server code. */
export declare const nodeBundleOptions: Readonly<BuildOptions>;
