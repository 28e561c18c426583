export * from './constraint';
export * from './grid';
