// An independent JS reimplementation of runner-match's rules, score and order, written
// from crates/runner-match/README.md ("The rules", "Requirement expressions", "Soft
// preferences", "The score") and the package README's whitespace and workflowTags rules,
// and nothing else, to check the package's answers against. It shares no code with the
// package: plain lists, comma strings, expressions (AND, OR, NOT, globs, quoted tags,
// `type:`), preferences, untagged runners and the two-tier order are all redone here.

// ---- requirements -----------------------------------------------------------------------

/** A comma-string item without the ASCII spaces and tabs around it (nothing else is trimmed). */
const typed = (item) => item.replace(/^[ \t]+|[ \t]+$/g, '');
const blank = (tag) => /^\s*$/u.test(tag);

/** Whether a requirement string is an expression (README: "Requirement expressions"). */
export function referenceLooksLikeExpression(text) {
  return /[&|!()"*?]/.test(text) || text.split(',').some((item) => typed(item).startsWith('type:'));
}

/**
 * Requirements from a comma string or an array, de-duplicated, first seen first. Array
 * elements are exact (whitespace kept); comma-string items lose the ASCII spaces and
 * tabs around them, nothing else. (Plain lists only; see `referenceRequirement`.)
 */
export function referenceTags(required) {
  if (required === undefined || required === null) return [];
  const raw = typeof required === 'string' ? (typed(required) === '' ? [] : required.split(',').map(typed)) : required;
  const tags = [];
  for (const r of raw) {
    const tag = String(r);
    if (blank(tag)) throw new Error(`reference: empty tag in ${JSON.stringify(required)}`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/**
 * An expression tree: {and: [...]}, {or: [...]}, {not: x}, {tag}, {glob}, {type}.
 * Grammar (README): clauses = disjunction {"," disjunction}; disjunction = conjunction
 * {"|"|"||" conjunction}; conjunction = unary {"&"|"&&" unary}; unary = "!" unary |
 * "(" clauses ")" | term; term = "type:" word | word | quoted.
 */
export function referenceParse(text) {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/u.test(text[i])) i++;
  };
  const peek = (s) => {
    skip();
    return text.startsWith(s, i);
  };
  const eat = (s) => {
    if (!peek(s)) return false;
    i += s.length;
    return true;
  };
  const term = () => {
    skip();
    if (text[i] === '"') {
      let tag = '';
      for (i++; i < text.length && text[i] !== '"'; i++) tag += text[i] === '\\' ? text[++i] : text[i];
      if (text[i++] !== '"') throw new Error('reference: unterminated quote');
      return { tag };
    }
    let word = '';
    while (i < text.length && !/[\s&|!(),"]/u.test(text[i])) word += text[i++];
    if (word === '') throw new Error(`reference: expected a term at ${i} in ${JSON.stringify(text)}`);
    if (word.startsWith('type:')) return { type: word.slice(5) };
    return /[*?]/.test(word) ? { glob: word } : { tag: word };
  };
  const unary = () => {
    if (eat('!')) return { not: unary() };
    if (eat('(')) {
      const inner = clauses();
      if (!eat(')')) throw new Error('reference: unclosed (');
      return inner;
    }
    return term();
  };
  const chain = (next, ops, kind) => {
    const items = [next()];
    for (;;) {
      const op = ops.find((o) => peek(o));
      if (!op) break;
      eat(op);
      items.push(next());
    }
    return items.length === 1 ? items[0] : { [kind]: items };
  };
  const conjunction = () => chain(unary, ['&&', '&'], 'and');
  const disjunction = () => chain(conjunction, ['||', '|'], 'or');
  const clauses = () => chain(disjunction, [','], 'and');
  const tree = clauses();
  skip();
  if (i !== text.length) throw new Error(`reference: trailing input at ${i} in ${JSON.stringify(text)}`);
  return tree;
}

/** The top-level clauses (operands of the outermost AND), nested ANDs flattened. */
const conjuncts = (node) => (node.and ? node.and.flatMap(conjuncts) : [node]);

/** A glob (`*` any run, `?` one character) as an anchored RegExp. */
const globRegExp = (pattern) =>
  new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/]/g, '\\$&'))).join('')}$`, 'su');

/**
 * Whether a runner satisfies `node`. Strictly (preferences, tagged runners): plain
 * boolean logic. For the hard requirement on an untagged runner (`wildcard`), negations
 * are pushed to the leaves and every tag literal holds; only `type:` literals are checked.
 */
function holds(node, tags, type, { wildcard = false, negated = false } = {}) {
  if (node.and) return node.and[negated ? 'some' : 'every']((n) => holds(n, tags, type, { wildcard, negated }));
  if (node.or) return node.or[negated ? 'every' : 'some']((n) => holds(n, tags, type, { wildcard, negated }));
  if (node.not) return holds(node.not, tags, type, { wildcard, negated: !negated });
  let value;
  if (node.type !== undefined) value = type !== undefined && globRegExp(node.type).test(type);
  else if (wildcard) return true;
  else if (node.tag !== undefined) value = tags.includes(node.tag);
  else value = tags.some((t) => globRegExp(node.glob).test(t));
  return negated ? !value : value;
}

/** Whether `tag` satisfies a tag or glob term under an even number of negations. */
function wanted(node, tag, negated = false) {
  if (node.and || node.or) return (node.and ?? node.or).some((n) => wanted(n, tag, negated));
  if (node.not) return wanted(node.not, tag, !negated);
  if (negated || node.type !== undefined) return false;
  return node.tag !== undefined ? node.tag === tag : globRegExp(node.glob).test(tag);
}

/**
 * Requirements as the reference reads them: `{ kind: 'list', tags }` or
 * `{ kind: 'expression', tree }`, plus `prefs` ([{ tree, weight, prefer }]).
 */
export function referenceRequirement(required) {
  let require = required;
  const prefs = [];
  if (required !== null && typeof required === 'object' && !Array.isArray(required)) {
    require = required.require;
    for (const [kind, map] of [['prefer', required.prefer], ['avoid', required.avoid]]) {
      for (const [key, weight] of Object.entries(map ?? {})) prefs.push({ tree: referenceParse(key), weight, prefer: kind === 'prefer' });
    }
  }
  if (typeof require === 'string' && typed(require) !== '' && referenceLooksLikeExpression(require)) {
    const tree = referenceParse(require);
    // A conjunction of literal tags is the plain list (README: same meaning, score, speed).
    const clauses = conjuncts(tree);
    if (clauses.every((c) => c.tag !== undefined && !c.tag.includes(','))) {
      return { kind: 'list', tags: [...new Set(clauses.map((c) => c.tag))], prefs };
    }
    return { kind: 'expression', tree, prefs };
  }
  return { kind: 'list', tags: referenceTags(require), prefs };
}

// ---- matching, score, order ------------------------------------------------------------

const distinct = (list) => [...new Set(list)];

/** The RunnerMatch the package should produce for one API runner, or null. */
export function referenceFit(runner, requiredOrReq) {
  const req = Array.isArray(requiredOrReq) ? { kind: 'list', tags: requiredOrReq, prefs: [] }
    : requiredOrReq?.kind ? requiredOrReq : referenceRequirement(requiredOrReq);
  if (runner.status !== 'active') return null;
  const runnerTags = distinct(runner.tags);
  const type = runner.runner_type ?? undefined;
  const untagged = runnerTags.length === 0;
  const isList = req.kind === 'list';
  const admits = isList ? untagged || req.tags.every((tag) => runnerTags.includes(tag))
    : holds(req.tree, runnerTags, type, { wildcard: untagged });
  if (!admits) return null;
  const wants = (tag) => (isList ? req.tags.includes(tag) : wanted(req.tree, tag));
  // The requirement names a tag or term: a non-empty list, any expression, any preference.
  const namesTerms = !isList || req.tags.length > 0 || req.prefs.length > 0;
  let fitScore;
  let fit;
  if (untagged && namesTerms) {
    fitScore = 0.5;
    fit = 'wildcard';
  } else {
    const m = runnerTags.filter(wants).length;
    const t = runnerTags.length;
    fitScore = 0.5 + (0.5 * (m + 1)) / (t + 1);
    fit = m === t ? 'exact' : 'superset';
  }
  let score = fitScore;
  if (req.prefs.length > 0) {
    const total = req.prefs.reduce((sum, p) => sum + p.weight, 0);
    const satisfied = req.prefs
      .filter((p) => holds(p.tree, runnerTags, type) === p.prefer)
      .reduce((sum, p) => sum + p.weight, 0);
    score = 0.5 * fitScore + 0.5 * (satisfied / total);
  }
  const selfHosted = runner.endpoint !== undefined;
  return {
    id: runner.id,
    name: runner.name,
    ...(runner.runner_type === undefined || runner.runner_type === null ? {} : { runnerType: runner.runner_type }),
    status: runner.status,
    tags: [...runner.tags],
    createdAt: runner.created_at,
    updatedAt: runner.updated_at,
    score,
    fit,
    matchedTags: runnerTags.filter(wants),
    extraTags: runnerTags.filter((tag) => !wants(tag)),
    source: selfHosted ? 'self-hosted' : 'managed',
  };
}

/** Newest created_at first (by instant), then id ascending. */
export function compareListing(a, b) {
  const ta = Date.parse(a.created_at ?? a.createdAt);
  const tb = Date.parse(b.created_at ?? b.createdAt);
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Every matching runner as a RunnerMatch, best first, in two tiers: every match that is
 * not a wildcard runner, then the wildcard runners; within each, score desc, newest
 * created_at, id asc.
 */
export function referenceRank(runners, required) {
  const req = referenceRequirement(required);
  const tier = (m) => (m.fit === 'wildcard' ? 1 : 0);
  return runners
    .map((runner) => referenceFit(runner, req))
    .filter(Boolean)
    .sort((a, b) => tier(a) - tier(b) || b.score - a.score || compareListing(a, b));
}

/** The API runners in listing order (what listRunners() should return). */
export function referenceListing(runners) {
  return [...runners].sort(compareListing);
}

// ---- what ComfyControl enforces (workflowTags) -------------------------------------------

const PRECEDENCE = (node) => (node.or ? 1 : node.and ? 2 : 3);
const SPECIAL = /[\s&|!(),"*?]|^type:/u;

/** A clause in canonical text: `a | b`, `!x`, `!(a | b)`, `gpu-*`, `type:pro`, `"a,b"`. */
export function referenceShow(node, outer = 0) {
  let text;
  if (node.or || node.and) text = (node.or ?? node.and).map((n) => referenceShow(n, PRECEDENCE(node))).join(node.or ? ' | ' : ' & ');
  else if (node.not) text = `!${referenceShow(node.not, 3)}`;
  else if (node.type !== undefined) text = `type:${node.type}`;
  else if (node.glob !== undefined) text = node.glob;
  else text = SPECIAL.test(node.tag) ? JSON.stringify(node.tag) : node.tag;
  return PRECEDENCE(node) < outer ? `(${text})` : text;
}

/**
 * What to submit as the workflow's tags: the literal conjunction (each tag the comma form
 * can carry: no comma, no space or tab around it); everything else is not enforced.
 */
export function referenceWorkflowTags(required) {
  const req = referenceRequirement(required);
  const tags = [];
  const notEnforced = [];
  const literal = (tag) => {
    if (tag.includes(',')) notEnforced.push(`${JSON.stringify(tag)} (a tag with a comma)`);
    else if (typed(tag) !== tag) notEnforced.push(`${JSON.stringify(tag)} (spaces around a tag)`);
    else if (!tags.includes(tag)) tags.push(tag);
  };
  if (req.kind === 'list') req.tags.forEach(literal);
  else {
    for (const clause of conjuncts(req.tree)) {
      if (clause.tag !== undefined) literal(clause.tag);
      else {
        const why = clause.glob !== undefined ? 'a glob' : clause.type !== undefined ? 'a runner type' : clause.not ? 'a NOT' : 'an OR';
        notEnforced.push(`${referenceShow(clause)} (${why})`);
      }
    }
  }
  for (const p of req.prefs) notEnforced.push(`${p.prefer ? 'prefer' : 'avoid'} ${referenceShow(p.tree)} ×${p.weight} (a preference)`);
  return { text: tags.join(','), tags, enforced: notEnforced.length === 0, notEnforced };
}
