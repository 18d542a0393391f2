export * from './contact-points.ts';
export * from './deliver.ts';
export * from './evaluate.ts';
export * from './payload.ts';
export * from './preview.ts';
export * from './rules.ts';
export * from './send.ts';
export * from './signature.ts';
export { isPublicAddress } from './target-guard.ts';
