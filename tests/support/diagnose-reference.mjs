// An independent JS model of "why is my workflow waiting?", written from issue 12 and the
// core README ("The whole pool, and why a workflow waits", "Why didn't my workflow
// match?") and nothing else, to check client.diagnose() and the pool against.

import { referenceFit, referenceRank } from './reference.mjs';

/** Statuses that wait on a runner (the library's documented reading). */
export const WAITING = ['accepted', 'uploaded', 'queued'];

/** The source a wire runner came from: self-hosted runners carry an endpoint. */
export const sourceOf = (runner) => (runner.endpoint === undefined ? 'managed' : 'self-hosted');

/** referenceRank over a pool of both sources, each result with its runner's source. */
export function poolRank(runners, tags) {
  const byId = new Map(runners.map((r) => [r.id, r]));
  return referenceRank(runners, tags).map((m) => ({ ...m, source: sourceOf(byId.get(m.id)) }));
}

// Optimal string alignment distance (a swap of neighbours is one edit).
function distance(a, b) {
  const x = [...a];
  const y = [...b];
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/** How an unknown tag resembles the fleet's tags: 'case', 'whitespace', 'typo' or undefined. */
function nearMiss(tag, fleetTags) {
  const fold = (t) => t.toLowerCase().replace(/\s+/g, '');
  if (fleetTags.some((t) => t.toLowerCase() === tag.toLowerCase())) return 'case';
  if (fleetTags.some((t) => fold(t) === fold(tag))) return 'whitespace';
  const limit = [...tag].length < 5 ? 1 : 2;
  if (fleetTags.some((t) => distance(fold(t), fold(tag)) <= limit)) return 'typo';
  return undefined;
}

/**
 * The expected diagnosis of `workflows` (wire objects, newest first) against `runners`
 * (wire objects of every source of the pool): per waiting workflow `{id, matchCount,
 * bestId, explained, stuck: {kind, tag?, nearMiss?, message} | null}`, and the summary.
 */
export function referenceDiagnosis(runners, workflows) {
  const active = runners.filter((r) => r.status === 'active');
  const fleetTags = [...new Set(active.flatMap((r) => r.tags))];
  const out = [];
  for (const w of workflows.filter((x) => WAITING.includes(x.status))) {
    const ranked = poolRank(runners, w.tags);
    const best = ranked[0] ?? null;
    let stuck = null;
    if (ranked.length === 0) {
      if (active.length === 0) stuck = { kind: 'no_active_runner', message: 'no active runner' };
      else {
        const unknown = w.tags.find((t) => !active.some((r) => r.tags.includes(t)));
        if (unknown !== undefined) {
          const miss = nearMiss(unknown, fleetTags);
          stuck = { kind: 'unknown_tag', tag: unknown, ...(miss ? { nearMiss: miss } : {}), message: `${JSON.stringify(unknown)} (${miss ?? 'no runner'})` };
        } else {
          stuck = { kind: 'no_runner_has_all', message: `${w.tags.map((t) => JSON.stringify(t)).join(' + ')} (no runner has all)` };
        }
      }
    }
    out.push({
      id: w.id,
      matchCount: ranked.length,
      bestId: best?.id ?? null,
      best,
      explained: ranked.length === 0 || best.fit === 'wildcard',
      stuck,
    });
  }
  return { workflows: out, summary: referenceSummary(out) };
}

function referenceSummary(list) {
  if (list.length === 0) return 'no workflow is waiting';
  const runnable = list.filter((w) => w.matchCount > 0).length;
  const wildcardOnly = list.filter((w) => w.best?.fit === 'wildcard').length;
  let line = `${runnable} of ${list.length} waiting workflow${list.length === 1 ? '' : 's'} can run now`;
  if (wildcardOnly > 0) line += ` (${wildcardOnly} only on untagged runners)`;
  const stuck = list.filter((w) => w.stuck);
  if (stuck.length === 0) return line;
  const causes = [];
  for (const { stuck: { message } } of stuck) {
    const seen = causes.find((c) => c.message === message);
    if (seen) seen.count += 1;
    else causes.push({ message, count: 1 });
  }
  const shown = causes.slice(0, 5).map((c) => (c.count > 1 ? `${c.message} ×${c.count}` : c.message));
  if (causes.length > 5) shown.push(`and ${causes.length - 5} more`);
  return `${line}; ${stuck.length} ${stuck.length === 1 ? 'is' : 'are'} stuck: ${shown.join(', ')}`;
}

export { referenceFit };
