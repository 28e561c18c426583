export * from './http';
export * from './limiter';
export * from './shared-limiter';
export * from './types';
export * from './bybit';
export * from './binance';
export * from './sync';
export * from './queue';
