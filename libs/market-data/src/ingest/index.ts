export * from './import';
export * from './coverage';
