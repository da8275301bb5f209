// An independent JS reimplementation of runner-match's rule, score and order, written
// from crates/runner-match/README.md ("The rules", "The score") and nothing else, to
// check the package's answers against.

/** A comma-string item without the ASCII spaces and tabs around it (nothing else is trimmed). */
const typed = (item) => item.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * Requirements from a comma string or an array, de-duplicated, first seen first. Array
 * elements are exact (whitespace kept); comma-string items lose the ASCII spaces and
 * tabs around them, nothing else.
 */
export function referenceTags(required) {
  if (required === undefined || required === null) return [];
  const raw = typeof required === 'string' ? (typed(required) === '' ? [] : required.split(',').map(typed)) : required;
  const tags = [];
  for (const r of raw) {
    const tag = String(r);
    if (/^\s*$/u.test(tag)) throw new Error(`reference: empty tag in ${JSON.stringify(required)}`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

const distinct = (list) => [...new Set(list)];

/** The RunnerMatch the package should produce for one API runner, or null. */
export function referenceFit(runner, tags) {
  if (runner.status !== 'active') return null;
  const runnerTags = distinct(runner.tags);
  const r = tags.length;
  const t = runnerTags.length;
  let score;
  let fit;
  if (t === 0 && r > 0) {
    score = 0.5;
    fit = 'wildcard';
  } else if (tags.every((tag) => runnerTags.includes(tag))) {
    score = 0.5 + (0.5 * (r + 1)) / (t + 1);
    fit = t === r ? 'exact' : 'superset';
  } else {
    return null;
  }
  const match = {
    id: runner.id,
    name: runner.name,
    ...(runner.runner_type === undefined ? {} : { runnerType: runner.runner_type }),
    status: runner.status,
    tags: [...runner.tags],
    createdAt: runner.created_at,
    updatedAt: runner.updated_at,
    score,
    fit,
    matchedTags: runnerTags.filter((tag) => tags.includes(tag)),
    extraTags: runnerTags.filter((tag) => !tags.includes(tag)),
    source: 'managed',
  };
  return match;
}

/** Newest created_at first (by instant), then id ascending. */
export function compareListing(a, b) {
  const ta = Date.parse(a.created_at ?? a.createdAt);
  const tb = Date.parse(b.created_at ?? b.createdAt);
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every matching runner as a RunnerMatch, best first: score desc, newest, id asc. */
export function referenceRank(runners, required) {
  const tags = referenceTags(required);
  return runners
    .map((runner) => referenceFit(runner, tags))
    .filter(Boolean)
    .sort((a, b) => b.score - a.score || compareListing(a, b));
}

/** The API runners in listing order (what listRunners() should return). */
export function referenceListing(runners) {
  return [...runners].sort(compareListing);
}
