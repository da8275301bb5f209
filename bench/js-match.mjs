// The idiomatic JavaScript implementation the WebAssembly package is measured against:
// the same rules, score, order and result objects as `matchRunners` (see
// crates/runner-match/README.md), written the way a JS developer would: filter + every +
// includes, map to result objects, sort; the expression query as a hand-written predicate.
// Runs in browsers and in Node.

/** Required tags from a comma string or an array: trimmed, de-duplicated, in order. */
export function requiredTagsJs(required) {
  if (required === undefined || required === null) return [];
  const raw = typeof required === 'string' ? (required.trim() === '' ? [] : required.split(',')) : required;
  const tags = [];
  for (const item of raw) {
    const tag = String(item).trim();
    if (tag === '') throw new Error('empty tag');
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** A `RunnerMatch` object, as the package returns it. */
export function resultJs(runner, score, fit, matchedTags, extraTags) {
  const match = {
    id: runner.id,
    name: runner.name,
    status: runner.status,
    tags: [...runner.tags],
    createdAt: runner.created_at,
    updatedAt: runner.updated_at,
    score,
    fit,
    matchedTags,
    extraTags,
    source: runner.endpoint === undefined ? 'managed' : 'self-hosted',
  };
  if (runner.runner_type != null) match.runnerType = runner.runner_type;
  return match;
}

/** The package's order: score (highest first), then newest `created_at`, then `id`. */
const byRank = (a, b) =>
  b.match.score - a.match.score || b.at - a.at || (a.match.id < b.match.id ? -1 : a.match.id > b.match.id ? 1 : 0);

function toMatch(runner, required) {
  const distinct = [...new Set(runner.tags)];
  const wildcard = distinct.length === 0 && required.length > 0;
  return resultJs(
    runner,
    wildcard ? 0.5 : 0.5 + (0.5 * (required.length + 1)) / (distinct.length + 1),
    wildcard ? 'wildcard' : distinct.length === required.length ? 'exact' : 'superset',
    distinct.filter((tag) => required.includes(tag)),
    distinct.filter((tag) => !required.includes(tag)),
  );
}

/** Active runners that can run a workflow with `requiredTags`, best fit first. */
export function matchRunnersJs(runners, requiredTags) {
  const required = requiredTagsJs(requiredTags);
  return runners
    .filter(
      (r) =>
        r.status === 'active' &&
        (required.length === 0 || r.tags.length === 0 || required.every((tag) => r.tags.includes(tag))),
    )
    .map((r) => ({ at: Date.parse(r.created_at), match: toMatch(r, required) }))
    .sort(byRank)
    .map((entry) => entry.match);
}

/** The expression query of the benchmarks (native and browser). */
export const EXPRESSION = 'gpu-* & (flux | sdxl) & !development';

/** Whether {@link EXPRESSION} wants `tag` (it satisfies a term under no negation). */
export const exprWants = (tag) => tag.startsWith('gpu-') || tag === 'flux' || tag === 'sdxl';

function toExprMatch(runner) {
  const distinct = [...new Set(runner.tags)];
  const matchedTags = distinct.filter(exprWants);
  const wildcard = distinct.length === 0; // an expression names terms
  return resultJs(
    runner,
    wildcard ? 0.5 : 0.5 + (0.5 * (matchedTags.length + 1)) / (distinct.length + 1),
    wildcard ? 'wildcard' : distinct.length === matchedTags.length ? 'exact' : 'superset',
    matchedTags,
    distinct.filter((tag) => !exprWants(tag)),
  );
}

/**
 * `matchRunnersJs` for {@link EXPRESSION}, hand-written for that one expression (no
 * parser), as the native naive baseline is: what a JS developer writes for this query.
 * `gpu-*` is the core's glob (`*`: any run of characters, none included), so a prefix
 * test. An untagged runner satisfies every tag clause (ComfyControl's wildcard rule) and
 * fits as a wildcard. The score's `m` and `matchedTags` are the runner's tags the
 * expression wants: those matching `gpu-*`, `flux` or `sdxl`, whichever satisfied it.
 */
export function matchRunnersExprJs(runners) {
  return runners
    .filter(
      (r) =>
        r.status === 'active' &&
        (r.tags.length === 0 ||
          (r.tags.some((tag) => tag.startsWith('gpu-')) &&
            (r.tags.includes('flux') || r.tags.includes('sdxl')) &&
            !r.tags.includes('development'))),
    )
    .map((r) => ({ at: Date.parse(r.created_at), match: toExprMatch(r) }))
    .sort(byRank)
    .map((entry) => entry.match);
}

/**
 * The floor under any one-shot matcher that must refuse bad input before any work (as
 * `matchRunners` does): one pass that only checks the type of every field of every runner,
 * no matching. Returns how many runners are well-formed (so the pass cannot be elided).
 */
export function checkRunnersJs(runners) {
  let ok = 0;
  for (const r of runners) {
    if (typeof r !== 'object' || r === null) continue;
    if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.status !== 'string') continue;
    if (typeof r.created_at !== 'string' || typeof r.updated_at !== 'string') continue;
    if (r.runner_type != null && typeof r.runner_type !== 'string') continue;
    const tags = r.tags;
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) continue;
    ok++;
  }
  return ok;
}
