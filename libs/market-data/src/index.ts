export * from './synthetic';
export * from './codecs';
