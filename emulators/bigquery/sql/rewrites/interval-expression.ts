// `INTERVAL <expression> <part>`: polyglot passes a non-literal expression through unchanged and
// DuckDB only parses `INTERVAL (<expression>) <part>`, so the expression is parenthesised.
import { type Token, isKeyword, nextSignificant } from '../tokens';
import { trim } from './calls';

const PARTS = ['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];

export function parenthesizeIntervalExpressions(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    out.push(tokens[i]);
    if (!isKeyword(tokens[i], 'INTERVAL')) continue;
    // The expression runs to the first part keyword at depth 0 (stopping at anything that closes).
    let depth = 0;
    let end = -1;
    for (let k = i + 1; k < tokens.length; k++) {
      const t = tokens[k];
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (t.text === ',' || t.text === ';')) break;
      else if (depth === 0 && PARTS.some((p) => isKeyword(t, p))) {
        end = k;
        break;
      }
    }
    if (end < 0) continue;
    const expr = trim(tokens.slice(i + 1, end));
    const single = expr.length === 1 && (expr[0].kind === 'number' || expr[0].kind === 'string');
    const negative = expr.length === 2 && expr[0].text === '-' && expr[1].kind === 'number';
    const wrapped = expr[0]?.text === '(' && nextSignificant(tokens, i + 1) >= 0 && isClosedBy(expr);
    if (negative) {
      // `INTERVAL -3 DAY`: polyglot keeps it and DuckDB cannot parse it; `INTERVAL '-3' DAY` it can.
      out.push({ kind: 'ws', text: ' ' }, { kind: 'string', text: `'-${expr[1].text}'` }, { kind: 'ws', text: ' ' });
      i = end - 1;
      continue;
    }
    if (expr.length === 0 || single || wrapped) continue;
    out.push({ kind: 'ws', text: ' ' }, { kind: 'punct', text: '(' }, ...expr, { kind: 'punct', text: ')' }, { kind: 'ws', text: ' ' });
    i = end - 1;
  }
  return out;
}

/** True when expr is one parenthesised group: ( ... ). */
function isClosedBy(expr: Token[]): boolean {
  let depth = 0;
  for (let k = 0; k < expr.length; k++) {
    if (expr[k].text === '(') depth++;
    else if (expr[k].text === ')') {
      depth--;
      if (depth === 0 && k !== expr.length - 1) return false;
    }
  }
  return depth === 0 && expr[expr.length - 1].text === ')';
}
