export * from './broker';
export * from './errors';
export * from './rest';
export * from './signing';
export * from './stream';
export { type BybitCategory, decimal } from './wire';
