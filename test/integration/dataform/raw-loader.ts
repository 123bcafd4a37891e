// Moved to local/testing/raw-loader.ts; kept so existing imports keep working.
export * from '../../../local/testing/raw-loader';
