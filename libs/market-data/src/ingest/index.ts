export * from './import';
export * from './coverage';
export * from './funding';
export * from './native-bars';
export * from './transaction';
