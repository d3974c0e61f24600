/** The pascom REST adapter: client, API table, wire mapping, typed errors. */
export { DEFAULT_API_TABLE, fillPath, resolveApiTable } from './api-table.js';
export type { PascomApiFields, PascomApiOverrides, PascomApiPaths, PascomApiTable } from './api-table.js';
export { classifyNetworkError, classifyPascomResponse, parseRetryAfterMs } from './classify.js';
export type { RequestContext } from './classify.js';
export { PascomClient } from './client.js';
export type { PascomClientOptions } from './client.js';
export * from './errors.js';
export { CSV_CONTENT_TYPE, csvColumns, parseCsvRecords, toCsv } from './csv.js';
export type { ConnectionReport, ConnectionStep, InstanceFacts } from './test-connection.js';
export { fromWire, toWire } from './wire.js';
