/**
 * REST ingestion (SPEC §3): the raw-Node fast path for writes, the Express router for the rest,
 * both over the same handlers, and API key authentication as a service (key-service.ts).
 */
export { AccessCache } from './access-cache.ts';
export { createIngestHandlers, type IngestDeps } from './handlers.ts';
export { KeyService } from './key-service.ts';
export { LastUsedTracker } from './last-used.ts';
export { createApiRouter, createFastPath } from './routes.ts';
