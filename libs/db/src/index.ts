export * from './data-source';
export * from './entities';
export * from './bars.repository';
export * from './results-codec';
export * from './password';
export * from './job-identity';
