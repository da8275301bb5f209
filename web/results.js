// Rendering: ranked runner cards, the summary line and the "why nothing matches"
// explanation. Text only goes through textContent: runner names and tags come from
// the API and are never parsed as HTML.

/** Creates an element: `h('p', {class: 'x'}, 'text', child)`. `on*` attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The score as shown: two decimals (the exact value is in the title and data-score). */
export const formatScore = (score) => score.toFixed(2);

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** 'exact fit' | 'over-qualified: +N tags' | 'wildcard runner'. */
export function fitLabel(match) {
  if (match.fit === 'exact') return 'exact fit';
  if (match.fit === 'wildcard') return 'wildcard runner';
  return `over-qualified: +${plural(match.extraTags.length, 'tag')}`;
}

const typeLabel = (match) => (match.runnerType
  ? match.runnerType.charAt(0).toUpperCase() + match.runnerType.slice(1)
  : match.source === 'self-hosted' ? 'Self-hosted' : 'Managed');

/** One `<li>` card per match, best first. */
export function renderResults(list, matches) {
  list.replaceChildren(...matches.map((m, i) => resultCard(m, i + 1)));
}

function resultCard(m, rank) {
  const percent = Math.round(m.score * 100);
  const titleId = `runner-${rank}-name`;
  return h('li', { class: `result fit-${m.fit}`, 'aria-labelledby': titleId, 'data-id': m.id },
    h('div', { class: 'result-head' },
      h('span', { class: 'rank', 'aria-hidden': 'true' }, `#${rank}`),
      h('h3', { class: 'runner-name', id: titleId }, m.name),
      h('span', { class: `badge type-${(m.runnerType ?? m.source).replace(/[^a-z-]/g, '')}` }, typeLabel(m)),
      h('span', { class: `badge status-${m.status === 'active' ? 'active' : 'other'}` },
        h('span', { class: 'visually-hidden' }, 'status: '), m.status)),
    h('div', { class: 'score-row' },
      h('div', {
        class: 'meter', role: 'meter', 'aria-label': `Fit score of ${m.name}`,
        'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent,
        'aria-valuetext': `${formatScore(m.score)} (${fitLabel(m)})`,
      }, h('span', { class: 'meter-fill', style: `width: ${percent}%` })),
      h('span', { class: 'score', title: `score ${m.score}`, 'data-score': m.score }, formatScore(m.score)),
      h('span', { class: `fit fit-${m.fit}` }, fitLabel(m))),
    tagLine(m));
}

function tagLine(m) {
  if (m.fit === 'wildcard') {
    return h('p', { class: 'tag-note' }, 'No tags: takes any workflow (ComfyControl\'s wildcard rule).');
  }
  const matched = m.matchedTags.map((t) => h('li', { class: 'tag matched' },
    h('span', { 'aria-hidden': 'true' }, '✓ '), t));
  const extra = m.extraTags.map((t) => h('li', { class: 'tag extra' },
    h('span', { 'aria-hidden': 'true' }, '+ '), t));
  return h('div', { class: 'tag-groups' },
    matched.length ? h('div', { class: 'tag-group' },
      h('span', { class: 'tag-label' }, 'Matched'), h('ul', { class: 'chip-row', 'aria-label': 'Matched tags' }, matched)) : null,
    extra.length ? h('div', { class: 'tag-group' },
      h('span', { class: 'tag-label' }, 'Extra'), h('ul', { class: 'chip-row', 'aria-label': 'Extra tags' }, extra)) : null);
}

/**
 * "12 of 36 runners can run this workflow", with what is special about the result.
 * `untagged`: the requirement is the wildcard (the package's answer).
 */
export function summaryText({ matches, total, untagged }) {
  const count = matches.length;
  const what = untagged ? 'an untagged workflow' : 'this workflow';
  const head = `${count} of ${plural(total, 'runner')} can run ${what}`;
  if (count === 0) return `${head}.`;
  const tagged = matches.filter((m) => m.fit !== 'wildcard').length;
  if (!untagged && tagged === 0) {
    return `${head}: only ${count === 1 ? 'an untagged wildcard runner' : 'untagged wildcard runners'}, no runner has these tags.`;
  }
  const exact = untagged ? 0 : matches.filter((m) => m.fit === 'exact').length;
  return `${head}${exact ? ` (${plural(exact, 'exact fit')})` : ''}.`;
}

/** `code`-styled text: splits "a `b` c" into text and <code> nodes. */
function rich(text) {
  return String(text).split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/**
 * What to submit as the workflow's `tags` (the package's `workflowTags`), and, when
 * ComfyControl will not enforce the whole requirement, which parts it ignores. `null`
 * hides the line.
 */
export function renderSubmit(box, submit) {
  if (!submit) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    h('span', {}, 'Submit as the workflow\'s tags: ', h('code', {}, submit.text || '(none)')),
    submit.enforced ? ' — ComfyControl enforces all of it.'
      : h('span', { class: 'not-enforced' },
        ` — ComfyControl will not enforce ${submit.notEnforced.join(', ')}: it may run this workflow on runners not listed here.`),
  );
  box.dataset.enforced = String(submit.enforced);
  box.hidden = false;
}

const HINT_NOTES = { case: ' (tags are case-sensitive)', whitespace: ' (tags compare exactly, whitespace included)', typo: '' };

/**
 * Renders the package's explanation (see `fromPackageReport` in app.js). `onApply(tags)`
 * is called by the fix buttons ("use gpu-a100", "drop eu-west") with the new tag list,
 * which app.js has the package write as text; `canApply(tags)` says whether it can.
 */
export function renderExplanation(box, e, { onApply, canApply }) {
  const items = [];
  const replaceTag = (from, to) => e.tags.flatMap((t) => (t !== from ? [t] : to === null ? [] : [to]));
  // A fix button only where the page can rewrite the query (a plain tag list) into a list
  // it can still read back as one (`canApply`).
  const fix = (label, tags) => (e.editable && canApply(tags)
    ? h('button', { type: 'button', class: 'btn small', onclick: () => onApply(tags) }, label) : null);

  for (const hint of e.hints ?? []) {
    items.push(h('li', { class: `hint-${hint.kind}` },
      h('span', {}, ...rich(`\`${hint.tag}\` — did you mean \`${hint.suggestion}\`?${HINT_NOTES[hint.kind] ?? ''}`)),
      fix(`Use ${hint.suggestion}`, replaceTag(hint.tag, hint.suggestion))));
  }
  if (e.drop) {
    items.push(h('li', { class: 'hint-drop' },
      h('span', {}, ...rich(`drop \`${e.drop.tag}\`: ${plural(e.drop.runners, 'runner')}`)),
      fix(`Drop ${e.drop.tag}`, replaceTag(e.drop.tag, null))));
  }
  const closest = e.closest ?? [];
  const title = !e.wildcards?.length ? 'No runner can run this workflow'
    : e.tags?.length === 1 ? 'No runner has this tag' : 'No runner has all these tags';
  box.replaceChildren(...[
    h('h3', {}, title),
    h('p', { class: 'explain-summary' }, ...rich(e.summary ?? '')),
    e.wildcards?.length
      ? h('p', {}, `Only ${e.wildcards.join(', ')} would take it: untagged runners accept any workflow.`)
      : null,
    items.length ? h('ul', { class: 'fixes', 'aria-label': 'Suggested fixes' }, items) : null,
    closest.length ? h('div', {},
      h('h4', {}, 'Closest runners'),
      h('ul', { class: 'closest' }, closest.map((c) => h('li', {},
        h('strong', {}, c.name), ' — missing ', ...c.missing.flatMap((t, i) => [i ? ', ' : '', h('code', {}, t)]))))) : null,
    h('p', { class: 'explain-source' }, 'Explanation by the package (client.explain).'),
  ].filter(Boolean));
  box.hidden = false;
}
