// The entry of a reader thread (reader-pool.ts). Plain JavaScript, so that Node starts it as it
// is whatever loader the parent runs under (tsx, vitest); it then loads the TypeScript reads
// through tsx, the same source files the store runs.
import { register } from 'tsx/esm/api';

register();
await import('./reader-worker.ts');
