// The "Waiting workflows" panel and the pool note: renders the package's own
// `client.diagnose()` report (DiagnoseReport) and `client.pool()` report (PoolReport).
// Nothing here decides whether a runner can run a workflow: the numbers, the causes and
// the explanations are the package's; this file only lays them out.

import { h } from './results.js';

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A wait as people say it: `12 s`, `5 min`, `2 h 5 min`, `3 d`. */
export function formatWait(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return min % 60 ? `${hours} h ${min % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** The pool note: shown when a requested source contributes no runners (a Free tier). */
export function renderPoolNote(box, pool) {
  const unavailable = (pool?.sources ?? []).filter((s) => s.status === 'unavailable');
  box.replaceChildren(...unavailable.map((s) => h('p', {},
    h('strong', {}, `${s.source === 'managed' ? 'Managed' : 'Self-hosted'} runners: none. `),
    `${s.message.charAt(0).toUpperCase()}${s.message.slice(1)}. Matching uses the ${plural(pool.runners, 'runner')} of the other source${pool.sources.length > 2 ? 's' : ''}.`)));
  box.hidden = unavailable.length === 0;
}

/** One `<li>` per waiting workflow of `report` (a DiagnoseReport), plus its summary. */
export function renderWorkflows({ summary, list, note }, report) {
  summary.textContent = report.summary;
  note.textContent = report.stoppedEarly
    ? `Read the newest ${report.read} of ${report.total} workflows (${plural(report.pages, 'page')}); older ones were not checked.`
    : `${plural(report.read, 'workflow')} read, ${report.waiting} waiting on a runner.`;
  list.replaceChildren(...report.workflows.map(workflowItem));
}

function workflowItem(entry) {
  const { workflow, matchCount, best, explanation, stuck } = entry;
  const state = stuck ? 'stuck' : best?.fit === 'wildcard' ? 'wildcard' : 'ok';
  const verdict = stuck
    ? h('p', { class: 'wf-verdict' }, h('strong', {}, 'Stuck: '), stuck.message)
    : h('p', { class: 'wf-verdict' },
      h('strong', {}, `${plural(matchCount, 'runner')} can run it`),
      best ? ` · best: ${best.name} (${best.source}, ${best.fit === 'wildcard' ? 'untagged runner' : `score ${best.score.toFixed(2)}`})` : '');
  const tags = workflow.tags.length
    ? h('ul', { class: 'chip-row wf-tags', 'aria-label': 'Tags' }, workflow.tags.map((t) => h('li', {}, h('code', {}, t))))
    : h('p', { class: 'muted wf-tags' }, 'untagged: any runner');
  const why = explanation
    ? h('details', { class: 'wf-why' },
      h('summary', {}, 'Why'),
      h('p', {}, explanation.summary),
      explanation.hints.length ? h('ul', {}, explanation.hints.map((hint) => h('li', {}, hint.message))) : null,
      explanation.bestChange ? h('p', {}, `Try: ${explanation.bestChange.message}`) : null)
    : null;
  return h('li', { class: 'wf', 'data-state': state, 'data-id': workflow.id },
    h('div', { class: 'wf-head' },
      h('span', { class: 'wf-name' }, workflow.name),
      h('span', { class: 'wf-meta' }, `${workflow.status} · waiting ${formatWait(workflow.waitedMs)}`)),
    tags,
    verdict,
    why);
}
