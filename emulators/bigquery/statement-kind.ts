// What kind of statement a SQL text is, named as BigQuery's statementType, and whether the emulator
// runs it: anything else is refused before it reaches ZetaSQL or DuckDB.
import { invalidQuery, unimplemented } from './errors';
import { DdlError, type DdlInfo, readDdl } from './sql/ddl';
import { isKeyword, nextSignificant, tokenize } from './sql/tokens';

const RUNNABLE = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'CREATE_TABLE', 'CREATE_VIEW', 'DROP_TABLE', 'DROP_VIEW', 'TRUNCATE'];

/** Statements BigQuery has but the emulator does not run: "not implemented", not a syntax error. */
const NOT_IMPLEMENTED = ['ALTER', 'GRANT', 'REVOKE', 'EXPORT', 'LOAD', 'CALL', 'EXECUTE', 'UNDROP', 'CREATE', 'DROP'];

export interface ClassifiedStatement {
  /** The DDL reading of the statement (`statement: 'OTHER'` for anything but CREATE/DROP). */
  ddl: DdlInfo;
  /** SELECT, INSERT, …, CREATE_TABLE, DROP_VIEW, TRUNCATE. */
  kind: string;
}

/** Classifies a statement; throws BigQuery's error for one the emulator does not run. */
export function classifyStatement(stmt: string): ClassifiedStatement {
  let ddl: DdlInfo;
  try {
    ddl = readDdl(stmt);
  } catch (err) {
    if (err instanceof DdlError) throw err.unsupported ? unimplemented(err.message) : invalidQuery(err.message);
    throw err;
  }
  const head = firstKeyword(stmt);
  const kind = ddl.statement !== 'OTHER' ? ddl.statement : head === 'WITH' ? 'SELECT' : head;
  if (!RUNNABLE.includes(kind)) {
    if (NOT_IMPLEMENTED.includes(head)) throw unimplemented(`Statement ${head}`);
    throw invalidQuery(`Syntax error: Unexpected keyword ${head || 'end of statement'} at [1:1]`);
  }
  return { ddl, kind };
}

/** The statement's first keyword; a parenthesised query counts as SELECT. */
function firstKeyword(sql: string): string {
  const tokens = tokenize(sql);
  const i = nextSignificant(tokens, 0);
  return tokens[i]?.text === '(' ? 'SELECT' : (tokens[i]?.text ?? '').toUpperCase();
}

export function isSelectLike(sql: string): boolean {
  const t = tokenize(sql);
  const i = nextSignificant(t, 0);
  return isKeyword(t[i], 'SELECT') || isKeyword(t[i], 'WITH');
}
