export * from './constraint';
export * from './grid';
export * from './overfitting';
export * from './prng';
export * from './sweep-space';
export * from './monte-carlo';
export * from './walk-forward';
