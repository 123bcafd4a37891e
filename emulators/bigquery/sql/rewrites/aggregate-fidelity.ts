// Aggregates polyglot does not carry over.
//
// APPROX_TOP_COUNT / APPROX_TOP_SUM (approximate_aggregate_functions#approx_top_count, #approx_top_sum),
// answered exactly (BigQuery's answer on inputs this small): the `number` values with the highest
// count (or sum of weights), each as STRUCT<value, count> (or <value, sum>), highest first.
// NULL is a value like any other (it is counted, and summed); NULL weights are left out of a sum,
// which is NULL when all of a value's weights are; a NULL sum ranks last. Ties are broken by value.
// HLL_COUNT.* sketches are BYTES in BigQuery's HLL++ format, which DuckDB cannot produce: refused by name.
import { unimplemented } from '../../errors';
import { type Token, isKeyword, matchClose, nextSignificant } from '../tokens';
import { callAt, expandMarks, template, trim } from './calls';

const positiveInt = (arg: Token[]): boolean => arg.length === 1 && arg[0].kind === 'number' && /^[1-9]\d*$/.test(arg[0].text);

export function markApproxTop(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isKeyword(t, 'HLL_COUNT') && tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident') {
      throw unimplemented(`Function HLL_COUNT.${tokens[i + 2].text.toUpperCase()}`);
    }
    const fn = ['APPROX_TOP_COUNT', 'APPROX_TOP_SUM'].find((f) => isKeyword(t, f));
    const call = fn ? callAt(tokens, i, fn) : undefined;
    if (!fn || !call) {
      out.push(t);
      continue;
    }
    const arity = fn === 'APPROX_TOP_COUNT' ? 2 : 3;
    const args = call.args;
    if (args.length !== arity) throw unimplemented(`${fn} with ${args.length} arguments`);
    if (!positiveInt(args[arity - 1])) throw unimplemented(`${fn} with a number that is not a positive integer literal`);
    if (args[0].some((tok) => isKeyword(tok, 'DISTINCT'))) throw unimplemented(`${fn} with DISTINCT`);
    if (isKeyword(tokens[nextSignificant(tokens, call.close + 1)], 'OVER')) throw unimplemented(`${fn} as a window function`);
    const inner = args.map((a) => markApproxTop(a));
    out.push(...template(arity === 2 ? 'PF_APPROX_TOP_COUNT(ARG0, ARG1)' : 'PF_APPROX_TOP_SUM(ARG0, ARG1, ARG2)', ...inner));
    i = call.close;
  }
  return out;
}

// ARRAY_CONCAT_AGG (aggregate_functions#array_concat_agg): the input arrays concatenated, NULL arrays
// left out, NULL when there are none; `LIMIT n` keeps the first n input arrays (not elements).
// NULL elements stay inside the result (only a result array holding NULL fails, when it is
// written). polyglot left the call untranslated inside other calls and put LIMIT where DuckDB
// refuses it: the call is rewritten here to ARRAY_AGG of the arrays, expanded after translation.
export function markArrayConcatAgg(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, 'ARRAY_CONCAT_AGG');
    if (!call) {
      out.push(tokens[i]);
      continue;
    }
    if (isKeyword(tokens[nextSignificant(tokens, call.close + 1)], 'OVER')) throw unimplemented('ARRAY_CONCAT_AGG as a window function');
    const body = markArrayConcatAgg(tokens.slice(call.open + 1, call.close));
    let depth = 0;
    const at = body.findIndex((t) => {
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
      if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
      return depth === 0 && isKeyword(t, 'LIMIT');
    });
    const limit = at >= 0 ? trim(body.slice(at + 1)) : undefined;
    if (limit && !positiveInt(limit)) throw unimplemented('ARRAY_CONCAT_AGG with a LIMIT that is not a positive integer literal');
    const values = at >= 0 ? body.slice(0, at) : body;
    out.push(...(limit ? template('PF_ARRAY_CONCAT_AGG_HEAD(ARRAY_AGG(ARG0), ARG1)', values, limit) : template('PF_ARRAY_CONCAT_AGG(ARRAY_AGG(ARG0))', values)));
    i = call.close;
  }
  return out;
}

// APPROX_QUANTILES(x, n RESPECT NULLS) (approximate_aggregate_functions#approx_quantiles) and
// PERCENTILE_DISC(x, p RESPECT NULLS) OVER (...) (navigation_functions#percentile_disc): NULL is a
// value, sorted first. polyglot dropped RESPECT NULLS (DuckDB's QUANTILE_DISC skips NULLs). The
// values are gathered sorted, NULLs first, and the quantile is picked as QUANTILE_DISC picks it
// (approxQuantilesExact): the value at 1-based position max(ceil(count * q), 1), exactly (q = k/n
// in integers, p a DECIMAL literal).
const respectsNulls = (arg: Token[]): boolean => arg.some((t, k) => isKeyword(t, 'RESPECT') && isKeyword(arg[nextSignificant(arg, k + 1)], 'NULLS'));
const beforeNulls = (arg: Token[]): Token[] => trim(arg.slice(0, arg.findIndex((t) => isKeyword(t, 'RESPECT'))));

export function markRespectNulls(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const fn = ['APPROX_QUANTILES', 'PERCENTILE_DISC'].find((f) => isKeyword(tokens[i], f));
    const call = fn ? callAt(tokens, i, fn) : undefined;
    if (!fn || !call || call.args.length !== 2 || !respectsNulls(call.args[1])) {
      out.push(tokens[i]);
      continue;
    }
    const value = markRespectNulls(call.args[0]);
    const distinct = isKeyword(value[0], 'DISTINCT');
    const plain = distinct ? trim(value.slice(1)) : value;
    const q = beforeNulls(call.args[1]);
    if (fn === 'APPROX_QUANTILES') {
      if (!positiveInt(q)) throw unimplemented('APPROX_QUANTILES with a number of quantiles that is not a positive integer literal');
      if (isKeyword(tokens[nextSignificant(tokens, call.close + 1)], 'OVER')) throw unimplemented('APPROX_QUANTILES as a window function');
      out.push(...template(`PF_QUANTILES_RESPECT_NULLS(ARRAY_AGG(${distinct ? 'DISTINCT ' : ''}ARG0 ORDER BY ARG0 NULLS FIRST), ARG1)`, plain, q));
      i = call.close;
      continue;
    }
    // PERCENTILE_DISC is a window function only; its OVER clause goes with the gathered values.
    const over = nextSignificant(tokens, call.close + 1);
    const open = isKeyword(tokens[over], 'OVER') ? nextSignificant(tokens, over + 1) : -1;
    const close = open > 0 && tokens[open].text === '(' ? matchClose(tokens, open) : -1;
    if (distinct || close < 0 || q.length !== 1 || q[0].kind !== 'number') throw unimplemented('PERCENTILE_DISC with RESPECT NULLS and a percentile that is not a number literal');
    const window = tokens.slice(over, close + 1);
    out.push(...template('PF_PERCENTILE_DISC_RESPECT_NULLS((ARRAY_AGG(ARG0 ORDER BY ARG0 NULLS FIRST) ARG1), ARG2)', plain, window, q));
    i = close;
  }
  return out;
}

const TEMPLATES: Record<string, string> = {
  PF_QUANTILES_RESPECT_NULLS: '(SELECT LIST_TRANSFORM(RANGE(0, ARG1 + 1), lambda pf_k: pf_l[GREATEST((LEN(pf_l) * pf_k + ARG1 - 1) // ARG1, 1)]) FROM (SELECT ARG0 AS pf_l))',
  PF_PERCENTILE_DISC_RESPECT_NULLS:
    "(CASE WHEN (ARG1) < 0 OR (ARG1) > 1 THEN ERROR('Percentile argument must be in [0, 1]') ELSE (ARG0)[GREATEST(CAST(CEIL(LEN(ARG0) * (ARG1)) AS BIGINT), 1)] END)",
  PF_ARRAY_CONCAT_AGG: '(CASE WHEN LEN(LIST_FILTER(ARG0, lambda pf_a: pf_a IS NOT NULL)) > 0 THEN FLATTEN(LIST_FILTER(ARG0, lambda pf_a: pf_a IS NOT NULL)) END)',
  PF_ARRAY_CONCAT_AGG_HEAD:
    '(CASE WHEN LEN(LIST_FILTER(ARG0, lambda pf_a: pf_a IS NOT NULL)) > 0 THEN FLATTEN(LIST_SLICE(LIST_FILTER(ARG0, lambda pf_a: pf_a IS NOT NULL), 1, ARG1)) END)',
  PF_APPROX_TOP_COUNT:
    "(SELECT LIST_SLICE(LIST({'value': pf_v, 'count': pf_n} ORDER BY pf_n DESC, pf_v ASC NULLS FIRST), 1, ARG1) " +
    'FROM (SELECT pf_e AS pf_v, COUNT(*) AS pf_n FROM (SELECT UNNEST(LIST(ARG0)) AS pf_e) GROUP BY pf_e))',
  PF_APPROX_TOP_SUM:
    "(SELECT LIST_SLICE(LIST({'value': pf_v, 'sum': pf_s} ORDER BY pf_s DESC NULLS LAST, pf_v ASC NULLS FIRST), 1, ARG2) " +
    "FROM (SELECT pf_e.v AS pf_v, SUM(pf_e.w) AS pf_s FROM (SELECT UNNEST(LIST({'v': ARG0, 'w': ARG1})) AS pf_e) GROUP BY pf_e.v))",
};

export function expandAggregates(tokens: Token[]): Token[] {
  return expandMarks(tokens, TEMPLATES);
}
