// The runner-match demo page: plain ES modules, no framework, no build step.
// Loads the npm package from /pkg/, talks to the stand-in API on this origin with the
// demo token unless the Connection section says otherwise. The token lives in memory
// only (a variable of this module): never in storage, cookies or the URL.

import { attachAutocomplete } from './autocomplete.js';
import { listText, withTag } from './query.js';
import { h, renderExplanation, renderResults, renderSubmit, summaryText } from './results.js';
import { renderPoolNote, renderWorkflows } from './workflows.js';

const DEMO_TOKEN = 'cfc_demo';
const DEBOUNCE_MS = 250;
const POPULAR_CHIPS = 12;

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('conn-status'), statusText: $('conn-status-text'), details: $('connection'),
  connSummary: $('conn-summary'), connForm: $('conn-form'), baseUrl: $('base-url'), token: $('token'),
  connError: $('conn-error'), connReset: $('conn-reset'), searchForm: $('search-form'), tags: $('tags'),
  suggestions: $('tag-suggestions'), tagsError: $('tags-error'), popular: $('popular-tags'),
  results: $('results'), summary: $('summary'), submit: $('submit-tags'), errorView: $('error-view'),
  explanation: $('explanation'), list: $('result-list'), poolNote: $('pool-note'),
  workflowsSummary: $('workflows-summary'), workflowsNote: $('workflows-note'),
  workflowList: $('workflow-list'), workflowsRefresh: $('workflows-refresh'),
};

let mod = null; // the package's module namespace
let client = null; // the RunnerClient in use
let counts = new Map(); // tag → runners that can take work carrying it (the package's answer)
let connGen = 0; // bumps on every connect: a stale fleet answer is dropped
let searchGen = 0; // bumps on every search (and connect): stale results are dropped
let debounce = 0;

// ---- connection ---------------------------------------------------------------------

/** Connects with what the Connection form says (empty token: the demo token). */
async function connect() {
  const baseUrl = ui.baseUrl.value.trim() || location.origin;
  const token = ui.token.value.trim() || DEMO_TOKEN;
  const usingDemo = baseUrl === location.origin && token === DEMO_TOKEN;
  ui.connError.textContent = '';
  ui.baseUrl.removeAttribute('aria-invalid');
  ui.token.removeAttribute('aria-invalid');
  let next;
  try {
    next = new mod.RunnerClient({ token, baseUrl, maxRetries: 2 });
  } catch (err) {
    // invalid_input / insecure_url: a problem with the form itself.
    const field = /^token/.test(err.message) ? ui.token : ui.baseUrl;
    ui.connError.textContent = err.message;
    field.setAttribute('aria-invalid', 'true');
    ui.details.open = true;
    field.focus();
    return;
  }
  client?.free();
  client = next;
  counts = new Map();
  const mine = ++connGen;
  searchGen++; // results of the old client are stale
  ui.results.removeAttribute('aria-busy');
  ui.connSummary.textContent = usingDemo ? 'demo stand-in on this origin' : `${client.baseUrl} · ${token === DEMO_TOKEN ? 'demo token' : 'your token'}`;
  setStatus('connecting', 'Loading runners…');
  hideError();
  renderPopular();
  try {
    // The runners an untagged workflow can run on are exactly the schedulable ones: the
    // package decides which (the page keeps no status rule), from its cached fleet.
    const [schedulable, pool] = await Promise.all([client.findRunners(null), client.pool()]);
    if (mine !== connGen) return;
    for (const r of schedulable) {
      for (const t of r.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const where = usingDemo ? 'Demo API' : new URL(client.baseUrl).host;
    setStatus('ok', `${where} · ${pool.runners} runner${pool.runners === 1 ? '' : 's'}`);
    renderPoolNote(ui.poolNote, pool);
    renderPopular('No active runner has tags.');
    await Promise.all([search(), diagnose()]);
  } catch (err) {
    if (mine !== connGen) return;
    setStatus('error', 'Not connected');
    ui.poolNote.hidden = true;
    ui.workflowsSummary.textContent = 'Connect to see your waiting workflows.';
    ui.workflowsNote.textContent = '';
    ui.workflowList.replaceChildren();
    renderPopular('Connect to see this fleet\'s tags.');
    showError(err, connect);
  }
}

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.statusText.textContent = text;
}

// ---- waiting workflows ----------------------------------------------------------------

/** Renders the package's diagnose report in the "Waiting workflows" panel. */
async function diagnose() {
  if (!client) return;
  const mine = connGen;
  ui.workflowsSummary.textContent = 'Loading…';
  try {
    const report = await client.diagnose();
    if (mine !== connGen) return;
    renderWorkflows({ summary: ui.workflowsSummary, list: ui.workflowList, note: ui.workflowsNote }, report);
  } catch (err) {
    if (mine !== connGen) return;
    ui.workflowsSummary.textContent = `Could not read the workflows: ${err?.message ?? err} (${err?.code ?? 'error'})`;
    ui.workflowsNote.textContent = '';
    ui.workflowList.replaceChildren();
  }
}

// ---- search -------------------------------------------------------------------------

/** The query as sent: a trailing comma (left by autocomplete) is not an empty tag. */
const currentQuery = () => ui.tags.value.replace(/[\s,]+$/, '').trim();

async function search() {
  clearTimeout(debounce);
  if (!client) {
    ui.results.removeAttribute('aria-busy');
    return;
  }
  const query = currentQuery();
  const mine = ++searchGen;
  ui.results.setAttribute('aria-busy', 'true');
  try {
    // Both from the client's cached fleet: no copy of the runners crosses into the page.
    const [matches, pool] = await Promise.all([client.findRunners(query), client.pool()]);
    if (mine !== searchGen) return;
    setInputError('');
    hideError();
    ui.summary.textContent = summaryText({ matches, total: pool.runners, tags: query });
    // What ComfyControl itself will get, and whether it holds to the whole requirement.
    const submit = mod.workflowTags(query);
    renderSubmit(ui.submit, query ? submit : null);
    renderResults(ui.list, matches);
    syncChips();
    const noTaggedMatch = query && matches.every((m) => m.fit === 'wildcard');
    if (noTaggedMatch) {
      const report = await client.explain(query);
      if (mine !== searchGen) return;
      renderExplanation(ui.explanation, fromPackageReport(report, submit, query), { onApply: applyQuery });
    } else {
      ui.explanation.hidden = true;
    }
  } catch (err) {
    if (mine !== searchGen) return;
    if (err?.code === 'invalid_input') {
      setInputError(err.message);
    } else {
      showError(err, search);
    }
  } finally {
    if (mine === searchGen) ui.results.removeAttribute('aria-busy');
  }
}

/**
 * The package's ExplanationReport in the shape renderExplanation draws. The package says
 * whether the query is an expression (`isExpression`): a comma list is rewritten tag by
 * tag (the package's own reading of it, `workflowTags(query).tags`) by the fix buttons;
 * an expression keeps its text (its hints are shown without buttons: the page does not
 * rewrite an expression).
 */
function fromPackageReport(report, submit, query) {
  const expression = mod.isExpression(query);
  const missing = (reasons) => reasons.filter((r) => r.kind === 'missing' || r.kind === 'no_tag_matches')
    .map((r) => r.subject);
  return {
    tags: expression ? [query] : submit.tags,
    editable: !expression,
    summary: report.summary,
    wildcards: report.runners.filter((v) => v.matched && v.fit === 'wildcard').map((v) => v.name),
    hints: report.hints.map((hint) => ({
      tag: hint.tag,
      kind: hint.suggestions[0].similarity,
      suggestion: hint.suggestions[0].tag,
    })),
    drop: report.bestChange?.kind === 'drop_tag'
      ? { tag: report.bestChange.subject, runners: report.bestChange.runners }
      : null,
    closest: report.closest.map((v) => ({ id: v.id, name: v.name, missing: missing(v.reasons) })),
  };
}

function applyQuery(query) {
  ui.tags.value = query;
  ui.tags.focus();
  search();
}

function setInputError(message) {
  ui.tagsError.textContent = message;
  if (message) {
    ui.tags.setAttribute('aria-invalid', 'true');
    ui.summary.textContent = 'Fix the tags to see results.';
    renderSubmit(ui.submit, null);
    ui.list.replaceChildren();
    ui.explanation.hidden = true;
    hideError();
  } else {
    ui.tags.removeAttribute('aria-invalid');
  }
}

// ---- errors as next steps -----------------------------------------------------------

const RETRYABLE = new Set(['timeout', 'rate_limited', 'server', 'network', 'decode']);

/** Title and the user's next step for an error code. */
function nextStep(err) {
  const base = client?.baseUrl ?? ui.baseUrl.value;
  switch (err?.code) {
    case 'unauthorized':
      return ['The API did not accept the token (401)', 'Check the token in Connection: it may be mistyped, expired or revoked.'];
    case 'forbidden':
      return ['Access denied (403)', 'Your tier lacks managed runners (Pro or Plus needed). Upgrade the account, or use a token of one that has them.'];
    case 'network':
      return ['Could not reach the API', `Is the base URL right (${base})? An API on another origin must also allow CORS from ${location.origin}.`];
    case 'timeout':
      return ['The API did not answer in time', 'It may be busy: try again.'];
    case 'rate_limited':
      return ['Too many requests (429)', 'ComfyControl allows 40 requests per 10 s: wait a few seconds, then try again.'];
    case 'server':
      return [`The API had a server error${err.status ? ` (${err.status})` : ''}`, 'This is usually temporary: try again.'];
    case 'http':
      return [`Unexpected HTTP ${err.status ?? 'error'}`, `Is the base URL right (${base})? It should be the API root, without /v1.`];
    case 'decode':
      return ['The answer was not a runner list', `Is ${base} a ComfyControl API? Try again if it was a glitch.`];
    default:
      return ['Something went wrong', 'Try again, or check the Connection settings.'];
  }
}

function showError(err, retry) {
  const [title, step] = nextStep(err);
  const actions = [];
  if (RETRYABLE.has(err?.code) || !err?.code) {
    actions.push(h('button', { type: 'button', class: 'btn primary', onclick: () => retry() }, 'Try again'));
  }
  if (['unauthorized', 'forbidden', 'network', 'http', 'decode'].includes(err?.code)) {
    actions.push(h('button', {
      type: 'button', class: 'btn',
      onclick: () => {
        ui.details.open = true;
        (err.code === 'unauthorized' || err.code === 'forbidden' ? ui.token : ui.baseUrl).focus();
      },
    }, 'Open Connection'));
  }
  ui.errorView.replaceChildren(...[
    h('h3', {}, title),
    h('p', { class: 'next-step' }, step),
    h('p', { class: 'error-detail' }, String(err?.message ?? err), ' ', h('span', { class: 'error-code' }, `(${err?.code ?? 'error'})`)),
    actions.length ? h('div', { class: 'actions' }, actions) : null,
  ].filter(Boolean));
  ui.errorView.hidden = false;
  ui.summary.textContent = '';
  renderSubmit(ui.submit, null);
  ui.list.replaceChildren();
  ui.explanation.hidden = true;
}

function hideError() {
  ui.errorView.hidden = true;
  ui.errorView.replaceChildren();
}

// ---- popular tag chips --------------------------------------------------------------

function renderPopular(placeholder = 'Loading…') {
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, POPULAR_CHIPS);
  ui.popular.replaceChildren(...top.map(([tag, n]) => h('li', {},
    h('button', {
      type: 'button', class: 'chip', 'data-tag': tag, 'aria-pressed': 'false',
      'aria-label': `${tag} (${n} runner${n === 1 ? '' : 's'})`, onclick: () => toggleTag(tag),
    }, tag, h('span', { class: 'chip-count', 'aria-hidden': 'true' }, String(n))))));
  if (!top.length) ui.popular.append(h('li', { class: 'muted' }, placeholder));
  syncChips();
}

/**
 * How the package reads the query: whether it is an expression, and the tags it requires
 * outright (`workflowTags(query).tags`, the literal conjunction; `null` when the query does
 * not parse yet).
 */
function readQuery(query) {
  let required = null;
  try {
    required = mod.workflowTags(query).tags;
  } catch {
    // invalid_input: the message is under the input; the chips only add clauses.
  }
  return { expression: mod.isExpression(query), required };
}

/**
 * A chip is pressed when the query requires its tag outright. In a comma list a pressed
 * chip takes its tag out again; in an expression the page never rewrites the user's
 * expression, so a pressed chip is disabled (with a hint) and an unpressed one adds its
 * tag as one more AND clause (see `toggleTag`).
 */
function syncChips() {
  if (!mod) return;
  const { expression, required } = readQuery(currentQuery());
  for (const b of ui.popular.querySelectorAll('button[data-tag]')) {
    const pressed = required?.includes(b.dataset.tag) ?? false;
    b.setAttribute('aria-pressed', String(pressed));
    const locked = expression && pressed;
    if (locked) b.setAttribute('aria-disabled', 'true');
    else b.removeAttribute('aria-disabled');
    b.title = locked ? 'Required by your expression: edit the text to remove it.'
      : expression ? `Adds “, ${b.dataset.tag}” (AND) to your expression.` : '';
  }
}

/**
 * A chip click. A valid comma list toggles the tag in the package's reading of the list.
 * Anything else (an expression, or text that does not parse yet) keeps the user's text
 * whole and gets `, tag` appended: the comma is AND at the lowest precedence, so
 * `flux | sdxl` becomes `flux | sdxl, eu-west`, never `flux | (sdxl & eu-west)`.
 */
function toggleTag(tag) {
  const query = currentQuery();
  const { expression, required } = readQuery(query);
  if (!expression && required) {
    const next = required.includes(tag) ? required.filter((t) => t !== tag) : [...required, tag];
    ui.tags.value = listText(mod.isExpression, next);
  } else if (required?.includes(tag)) {
    return; // already required by the expression (the chip is disabled)
  } else {
    ui.tags.value = withTag(mod.isExpression, query, tag);
  }
  search();
}

// ---- wiring -------------------------------------------------------------------------

function wire() {
  const autocomplete = attachAutocomplete(ui.tags, ui.suggestions, {
    getCounts: () => counts,
    getIsExpression: () => mod?.isExpression ?? null,
    onPick: () => search(),
  });
  ui.searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    autocomplete.close();
    search();
  });
  ui.tags.addEventListener('input', () => {
    ui.results.setAttribute('aria-busy', 'true'); // results are about to change
    clearTimeout(debounce);
    debounce = setTimeout(search, DEBOUNCE_MS);
  });
  ui.connForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    connect();
  });
  ui.workflowsRefresh.addEventListener('click', () => diagnose());
  ui.connReset.addEventListener('click', () => {
    ui.baseUrl.value = location.origin;
    ui.token.value = '';
    connect();
  });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const text = $(button.dataset.copy).textContent;
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = 'Copied';
      } catch {
        getSelection().selectAllChildren($(button.dataset.copy));
        button.textContent = 'Selected: Ctrl+C';
      }
      setTimeout(() => (button.textContent = 'Copy'), 2000);
    });
  }
}

async function main() {
  ui.baseUrl.value = location.origin;
  wire();
  try {
    mod = await import('/pkg/runner_match.js');
    await mod.default();
  } catch (err) {
    setStatus('error', 'Package not loaded');
    ui.errorView.replaceChildren(
      h('h3', {}, 'The runner-match package did not load'),
      h('p', { class: 'next-step' }, 'Build it with `make pkg` (or run `make demo`, which builds it), then reload.'),
      h('p', { class: 'error-detail' }, String(err?.message ?? err)),
    );
    ui.errorView.hidden = false;
    return;
  }
  await connect();
}

main();
