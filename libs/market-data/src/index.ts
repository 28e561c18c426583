export * from './synthetic';
export * from './codecs';
export * from './ingest';
export * from './exchange';
