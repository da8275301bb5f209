// Why no runner matches: a local stand-in for the package's coming `explainRunners`.
// Pure (no DOM, no fetch), so it also runs in Node. Same rules as the core: a runner
// can run a workflow iff it is `active` and (it has no tags, or it has every required
// tag); tags compare exactly (case-sensitive).

/** Characters that mean the input is an expression rather than a plain tag list. */
const EXPRESSION_CHARS = /[&|!()"*?]|(^|,)\s*type:/;

/** The most closest runners reported. */
const MAX_CLOSEST = 3;

/**
 * Explains which required tags keep the fleet from running a workflow.
 *
 * @param {Array<{id: string, name: string, runner_type?: string, status: string, tags: string[]}>} runners
 *   runners as `listRunners()` returns them (snake_case, disabled ones included)
 * @param {string | string[]} tags the requirement, as given to `findRunners`
 * @returns {{
 *   tags: string[],             // the required tags, trimmed and deduplicated
 *   expression: boolean,        // true: the input uses expression syntax this explainer does not evaluate
 *   total: number,              // runners listed
 *   active: number,             // active runners
 *   matches: number,            // active *tagged* runners that have every required tag
 *   wildcards: string[],        // names of active untagged runners (they take any workflow)
 *   perTag: {tag: string, having: number, lacking: number}[],  // over active tagged runners
 *   closest: {id: string, name: string, runnerType?: string, missing: string[], extra: number}[],
 *   drop: {tag: string, runners: number} | null,   // the single tag whose removal matches the most
 *   hints: {tag: string, kind: 'case' | 'typo' | 'unknown', suggestion?: string}[],
 *   disabled: string[],         // names of runners that have every tag but are not active
 *   summary: string,            // one sentence
 * }}
 */
export function explainLocally(runners, tags) {
  const raw = Array.isArray(tags) ? tags.join(',') : String(tags ?? '');
  const expression = EXPRESSION_CHARS.test(raw);
  const required = parseTags(tags);
  const all = Array.isArray(runners) ? runners : [];
  const active = all.filter((r) => r.status === 'active');
  const tagged = active.filter((r) => tagsOf(r).length > 0);
  const hasAll = (r, list) => list.every((t) => tagsOf(r).includes(t));

  const perTag = required.map((tag) => {
    const having = tagged.filter((r) => tagsOf(r).includes(tag)).length;
    return { tag, having, lacking: tagged.length - having };
  });

  const closest = tagged
    .map((r) => ({ r, missing: required.filter((t) => !tagsOf(r).includes(t)) }))
    .filter(({ missing }) => missing.length > 0 && missing.length < required.length)
    .sort((a, b) => a.missing.length - b.missing.length
      || tagsOf(a.r).length - tagsOf(b.r).length
      || a.r.name.localeCompare(b.r.name))
    .slice(0, MAX_CLOSEST)
    .map(({ r, missing }) => ({
      id: r.id,
      name: r.name,
      runnerType: r.runner_type,
      missing,
      extra: tagsOf(r).filter((t) => !required.includes(t)).length,
    }));

  let drop = null;
  if (required.length >= 2) {
    for (const tag of required) {
      const rest = required.filter((t) => t !== tag);
      const count = tagged.filter((r) => hasAll(r, rest)).length;
      if (count > 0 && (!drop || count > drop.runners)) drop = { tag, runners: count };
    }
  }

  const vocabulary = new Map();
  for (const r of all) for (const t of tagsOf(r)) vocabulary.set(t, (vocabulary.get(t) ?? 0) + 1);
  const hints = [];
  for (const tag of expression ? [] : required) {
    if (vocabulary.has(tag)) continue;
    const lower = tag.toLowerCase();
    const sameCase = [...vocabulary.keys()].find((t) => t.toLowerCase() === lower);
    if (sameCase) {
      hints.push({ tag, kind: 'case', suggestion: sameCase });
      continue;
    }
    const near = nearest(tag, vocabulary);
    hints.push(near ? { tag, kind: 'typo', suggestion: near } : { tag, kind: 'unknown' });
  }

  const disabled = all.filter((r) => r.status !== 'active' && tagsOf(r).length > 0 && hasAll(r, required))
    .map((r) => r.name);
  const matches = tagged.filter((r) => hasAll(r, required)).length;
  const wildcards = active.filter((r) => tagsOf(r).length === 0).map((r) => r.name);

  return {
    tags: required,
    expression,
    total: all.length,
    active: active.length,
    matches,
    wildcards,
    perTag,
    closest: expression ? [] : closest,
    drop: expression ? null : drop,
    hints,
    disabled,
    summary: summarize({ required, matches, perTag, tagged, expression }),
  };
}

function summarize({ required, matches, perTag, tagged, expression }) {
  if (expression) {
    return 'This explanation covers plain comma-separated tags; expression syntax is evaluated by the package only.';
  }
  if (required.length === 0) return 'An untagged workflow runs on any active runner.';
  if (matches > 0) return `${plural(matches, 'runner')} ${matches === 1 ? 'has' : 'have'} every required tag.`;
  if (tagged.length === 0) return 'No active runner has any tags.';
  const absent = perTag.filter((p) => p.having === 0).map((p) => `\`${p.tag}\``);
  if (absent.length > 0) {
    return `No active runner has ${absent.length === 1 ? 'the tag' : 'the tags'} ${listText(absent)}.`;
  }
  return `Every tag exists, but no single runner has ${required.length === 2 ? 'both' : `all ${required.length}`} of them.`;
}

/** Tags of a comma-separated string or an array: trimmed, non-empty, first occurrence kept. */
export function parseTags(tags) {
  const list = Array.isArray(tags) ? tags : String(tags ?? '').split(',');
  const out = [];
  for (const item of list) {
    const tag = String(item).trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** The closest known tag by edit distance, if it is close enough to be a typo. */
function nearest(tag, vocabulary) {
  const limit = tag.length <= 4 ? 1 : 2;
  let best = null;
  let bestDistance = Infinity;
  for (const [candidate, count] of vocabulary) {
    const d = editDistance(tag.toLowerCase(), candidate.toLowerCase(), limit);
    if (d < bestDistance || (d === bestDistance && count > vocabulary.get(best))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** Levenshtein distance with adjacent transpositions; stops early past `limit`. */
export function editDistance(a, b, limit = Infinity) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

const tagsOf = (r) => (Array.isArray(r?.tags) ? r.tags : []);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const listText = (items) => (items.length <= 1 ? items.join('')
  : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
