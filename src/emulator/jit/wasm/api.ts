// The part of the WebAssembly JavaScript API the emulator uses, typed here: the project's
// TypeScript libraries (ES2022, Node's types) do not declare it, and the emulator must not
// assume it exists (a browser or a host may leave it out), so it is looked up on globalThis.

export interface WasmMemory { readonly buffer: ArrayBuffer }
export interface WasmInstance { readonly exports: Record<string, unknown> }

export interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** WebAssembly where the host has it, else undefined. */
export const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The largest memory a 32-bit WebAssembly module addresses, in 64 KiB pages. */
export const MAX_PAGES = 65536;
export const WASM_PAGE = 65536;
