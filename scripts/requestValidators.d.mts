// Types of scripts/requestValidators.mjs, for the test that compares its validators with ajv's.
import type { Plugin } from 'esbuild';
export function requestValidatorsSource(): Promise<string>;
export function requestValidatorsPlugin(): Plugin;
