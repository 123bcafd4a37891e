// Strict mode's entry: a checker on the shared ZetaSQL analyzer, or a clear error saying why the
// analyzer cannot run here (strict mode never silently degrades to lenient).
import { AnalyzerUnavailableError, acquireAnalyzer } from './analyzer';
import { GoogleSqlChecker } from './checker';

export async function startGoogleSqlChecker(): Promise<GoogleSqlChecker> {
  try {
    return new GoogleSqlChecker(await acquireAnalyzer());
  } catch (err) {
    if (err instanceof AnalyzerUnavailableError) throw new Error(`strictGoogleSql: ${err.message}`, { cause: err });
    throw err;
  }
}
