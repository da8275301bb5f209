// The prepared JavaScript index: the strongest honest JS peer of `RunnerSet` and of a
// cached `RunnerClient`, what a performance-minded frontend developer writes in about 60
// lines (the hand-written expression query adds about 40). Built once: runners presorted
// newest first (ties by id), per tag a bitset (Uint32Array words over positions), the
// active and untagged sets. A query ANDs its tags' sets, ORs the untagged set
// (ComfyControl's wildcard rule), ANDs the active set, then walks the set bits (already
// in tie-break order) into buckets by distinct-tag count (the score only depends on it),
// wildcards last: the package's order and score (crates/runner-match/src/rank.rs) with no
// comparison sort. The expression query is hand-written over the same sets (AND, OR,
// AND-NOT over words), bucketed by score tier. Results are the same `RunnerMatch` objects
// the package returns, built fresh per query.

import { requiredTagsJs, resultJs } from './js-match.mjs';

export class PreparedIndexJs {
  constructor(runners) {
    const at = runners.map((r) => Date.parse(r.created_at));
    const order = Array.from(runners.keys()).sort((a, b) => at[b] - at[a] || (runners[a].id < runners[b].id ? -1 : runners[a].id > runners[b].id ? 1 : 0));
    this.runners = order.map((k) => runners[k]);
    const n = this.runners.length;
    this.words = (n + 31) >>> 5;
    this.distinct = new Array(n);
    this.active = new Uint32Array(this.words);
    this.untagged = new Uint32Array(this.words);
    this.none = new Uint32Array(this.words);
    this.sets = new Map();
    this.maxTags = 0;
    for (let i = 0; i < n; i++) {
      const r = this.runners[i];
      const tags = (this.distinct[i] = [...new Set(r.tags)]);
      const bit = 1 << (i & 31);
      const w = i >>> 5;
      if (r.status === 'active') this.active[w] |= bit;
      if (tags.length === 0) this.untagged[w] |= bit;
      if (tags.length > this.maxTags) this.maxTags = tags.length;
      for (const tag of tags) {
        let set = this.sets.get(tag);
        if (!set) this.sets.set(tag, (set = new Uint32Array(this.words)));
        set[w] |= bit;
      }
    }
    // Score tiers, for queries whose wanted-tag count m varies per runner (expressions):
    // a match with m of t distinct tags wanted scores 0.5 + 0.5 · (m + 1) / (t + 1), and
    // tierOf[m · width + t] is that score's rank among all such scores, highest first.
    // Pairs of equal score (1 of 1, 2 of 2) share a tier: their runners stay in list order.
    this.width = this.maxTags + 1;
    const score = (m, t) => 0.5 + (0.5 * (m + 1)) / (t + 1);
    const pairs = [];
    for (let t = 0; t <= this.maxTags; t++) for (let m = 0; m <= t; m++) pairs.push([m, t]);
    const ranked = [...new Set(pairs.map(([m, t]) => score(m, t)))].sort((a, b) => b - a);
    this.tiers = ranked.length;
    this.tierOf = new Uint16Array(this.width * this.width);
    for (const [m, t] of pairs) this.tierOf[m * this.width + t] = ranked.indexOf(score(m, t));
  }

  /** Active runners that can run a workflow with `requiredTags`, best fit first. */
  match(requiredTags) {
    const required = requiredTagsJs(requiredTags);
    const acc = new Uint32Array(this.words);
    if (required.length === 0) acc.set(this.active);
    else {
      const first = this.sets.get(required[0]);
      if (first) acc.set(first);
      for (let k = 1; k < required.length; k++) {
        const set = this.sets.get(required[k]);
        if (!set) { acc.fill(0); break; }
        for (let w = 0; w < this.words; w++) acc[w] &= set[w];
      }
      for (let w = 0; w < this.words; w++) acc[w] = (acc[w] | this.untagged[w]) & this.active[w];
    }
    // buckets[t] holds matches with t distinct tags (score falls with t); the last, wildcards.
    const buckets = Array.from({ length: this.maxTags + 2 }, () => []);
    const wildcard = buckets.length - 1;
    for (let w = 0; w < this.words; w++) {
      for (let bits = acc[w]; bits !== 0; bits &= bits - 1) {
        const i = (w << 5) + 31 - Math.clz32(bits & -bits);
        const t = this.distinct[i].length;
        buckets[t === 0 && required.length > 0 ? wildcard : t].push(i);
      }
    }
    const out = [];
    for (let t = 0; t < buckets.length; t++) {
      const isWildcard = t === wildcard;
      const score = isWildcard ? 0.5 : 0.5 + (0.5 * (required.length + 1)) / (t + 1);
      const fit = isWildcard ? 'wildcard' : t === required.length ? 'exact' : 'superset';
      for (const i of buckets[t]) {
        const r = this.runners[i];
        const tags = this.distinct[i];
        const m = { id: r.id, name: r.name, status: r.status, tags: [...r.tags], createdAt: r.created_at, updatedAt: r.updated_at, score, fit,
          matchedTags: tags.filter((tag) => required.includes(tag)), extraTags: tags.filter((tag) => !required.includes(tag)),
          source: r.endpoint === undefined ? 'managed' : 'self-hosted' };
        if (r.runner_type != null) m.runnerType = r.runner_type;
        out.push(m);
      }
    }
    return out;
  }

  /**
   * `match` for `gpu-* & (flux | sdxl) & !development`, hand-written for that one
   * expression as `matchRunnersExprJs` is: the glob is the OR of the sets of the tags
   * that start with `gpu-`, found among the index's tags at query time; the wanted tags
   * (`matchedTags`, the score's m) are those and `flux`, `sdxl`.
   */
  matchExpression() {
    const acc = new Uint32Array(this.words);
    const wanted = new Set(['flux', 'sdxl']);
    for (const [tag, set] of this.sets) {
      if (!tag.startsWith('gpu-')) continue;
      wanted.add(tag);
      for (let w = 0; w < this.words; w++) acc[w] |= set[w];
    }
    const flux = this.sets.get('flux') ?? this.none;
    const sdxl = this.sets.get('sdxl') ?? this.none;
    const development = this.sets.get('development') ?? this.none;
    for (let w = 0; w < this.words; w++) {
      acc[w] = ((acc[w] & (flux[w] | sdxl[w]) & ~development[w]) | this.untagged[w]) & this.active[w];
    }
    // buckets[k] holds the matches of score tier k; the last, wildcards (untagged runners).
    const buckets = Array.from({ length: this.tiers + 1 }, () => []);
    for (let w = 0; w < this.words; w++) {
      for (let bits = acc[w]; bits !== 0; bits &= bits - 1) {
        const i = (w << 5) + 31 - Math.clz32(bits & -bits);
        const tags = this.distinct[i];
        const matchedTags = tags.filter((tag) => wanted.has(tag));
        const extraTags = tags.filter((tag) => !wanted.has(tag));
        const m = matchedTags.length;
        const t = tags.length;
        const match = t === 0
          ? resultJs(this.runners[i], 0.5, 'wildcard', matchedTags, extraTags)
          : resultJs(this.runners[i], 0.5 + (0.5 * (m + 1)) / (t + 1), m === t ? 'exact' : 'superset', matchedTags, extraTags);
        buckets[t === 0 ? this.tiers : this.tierOf[m * this.width + t]].push(match);
      }
    }
    const out = [];
    for (const bucket of buckets) for (const match of bucket) out.push(match);
    return out;
  }
}
