// vendo-connect: the package entry. `init()` loads the wasm once; every flow then opens
// its popup synchronously, so call flows straight from a click handler.
export { default } from './vendo_connect.js';
export * from './vendo_connect.js';
export { ConnectError } from '__CONNECT_ERROR__';
