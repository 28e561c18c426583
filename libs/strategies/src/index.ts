export * from './contract';
export * from './registry';
export { smaCrossover, smaKey } from './sma-crossover';
