// The idiomatic JavaScript implementation the WebAssembly package is measured against:
// the same rules, score, order and result objects as `matchRunners` (see
// crates/runner-match/README.md), written the way a JS developer would: filter + every +
// includes, map to result objects, sort. Runs in browsers and in Node.

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

function toMatch(runner, required) {
  const distinct = [...new Set(runner.tags)];
  const wildcard = distinct.length === 0 && required.length > 0;
  const match = {
    id: runner.id,
    name: runner.name,
    status: runner.status,
    tags: [...runner.tags],
    createdAt: runner.created_at,
    updatedAt: runner.updated_at,
    score: wildcard ? 0.5 : 0.5 + (0.5 * (required.length + 1)) / (distinct.length + 1),
    fit: wildcard ? 'wildcard' : distinct.length === required.length ? 'exact' : 'superset',
    matchedTags: distinct.filter((tag) => required.includes(tag)),
    extraTags: distinct.filter((tag) => !required.includes(tag)),
    source: runner.endpoint === undefined ? 'managed' : 'self-hosted',
  };
  if (runner.runner_type != null) match.runnerType = runner.runner_type;
  return match;
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
    .sort(
      (a, b) =>
        b.match.score - a.match.score ||
        b.at - a.at ||
        (a.match.id < b.match.id ? -1 : a.match.id > b.match.id ? 1 : 0),
    )
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
