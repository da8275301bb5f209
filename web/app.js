// The runner-match demo page: plain ES modules, no framework, no build step.
// Loads the npm package from /pkg/, talks to the stand-in API on this origin with the
// demo token unless the Connection section says otherwise. The token lives in memory
// only (a variable of this module): never in storage, cookies or the URL.

import { attachAutocomplete } from './autocomplete.js';
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
  suggestions: $('tag-suggestions'), tagsError: $('tags-error'), tagsMode: $('tags-mode'), popular: $('popular-tags'),
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
    // Chips and suggestions only for tags a workflow can require (the package decides:
    // a runner's tag may hold a comma or break the size limits).
    for (const t of counts.keys()) if (writeList([t]) === null) counts.delete(t);
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

/** The query as sent: the comma autocomplete leaves after a pick is not an empty tag. */
const currentQuery = () => ui.tags.value.replace(/,[ \t]*$/, '');

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
    const submit = reading(query);
    const untagged = submit.enforced && submit.tags.length === 0; // the package's wildcard
    ui.summary.textContent = summaryText({ matches, total: pool.runners, untagged });
    // What ComfyControl itself will get, and whether it holds to the whole requirement.
    renderSubmit(ui.submit, untagged ? null : submit);
    renderResults(ui.list, matches);
    syncChips();
    const noTaggedMatch = !untagged && matches.every((m) => m.fit === 'wildcard');
    if (noTaggedMatch) {
      const report = await client.explain(query);
      if (mine !== searchGen) return;
      renderExplanation(ui.explanation, fromPackageReport(report, query),
        { onApply: applyTags, canApply: (tags) => writeList(tags) !== null });
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
 * The package's ExplanationReport in the shape renderExplanation draws. A plain tag list
 * (the package's reading, `readQuery`) gets fix buttons that rewrite it tag by tag; an
 * expression keeps its text (its hints are shown without buttons: the page does not
 * rewrite an expression).
 */
function fromPackageReport(report, query) {
  const { list } = readQuery(query);
  const missing = (reasons) => reasons.filter((r) => r.kind === 'missing' || r.kind === 'no_tag_matches')
    .map((r) => r.subject);
  return {
    tags: list ?? [query],
    editable: list !== null,
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

/** A fix button: the query becomes this tag list, as the package writes it. */
function applyTags(tags) {
  const text = writeList(tags);
  if (text === null) return;
  ui.tags.value = text;
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
 * The package's text for a tag list (quoted where a tag needs it); null if it refuses the
 * list, or if the package would not read that text back as this same plain list (a tag
 * with spaces around it is kept by the package, but ComfyControl's comma string cannot
 * carry it, so the page could not treat the result as a list): the page then does not
 * offer the change.
 */
function writeList(tags) {
  const text = packageAnswer(() => mod.requirementText(tags));
  if (text === undefined) return null;
  const back = readList(text);
  return back && back.length === tags.length && back.every((t, i) => t === tags[i]) ? text : null;
}

/** `answer()`, or undefined when the package calls the input invalid; other errors are thrown. */
function packageAnswer(answer) {
  try {
    return answer();
  } catch (err) {
    if (err?.code !== 'invalid_input') throw err;
    return undefined;
  }
}

/**
 * The package's `workflowTags(text)` (what ComfyControl gets of it), or null when the text
 * does not parse (yet). One keystroke asks this of the same text several times (chips,
 * autocomplete, the search), so recent answers are kept.
 */
const readings = new Map();
function reading(text) {
  if (!readings.has(text)) {
    if (readings.size >= 64) readings.clear();
    readings.set(text, packageAnswer(() => mod.workflowTags(text)) ?? null);
  }
  return readings.get(text);
}

/**
 * How the package reads the query: `required`, the tags it requires outright
 * (`workflowTags(query).tags`), and `list`, the same tags when the query is a plain tag
 * list; both null when it does not parse (yet). A list is a requirement ComfyControl's
 * comma string carries whole (`enforced`): `"gpu a100", "v2!"` is one, `gpu & !dev` is
 * not (an expression), nor is a list with a tag the comma string would trim.
 */
function readQuery(query) {
  const read = mod ? reading(query) : null;
  return { required: read?.tags ?? null, list: read?.enforced ? read.tags : null };
}

/** The package's reading of `text` as a plain tag list (see `readQuery`), or null. */
const readList = (text) => readQuery(text).list;

const EXPRESSION_HINT = 'An expression: edit the expression to add tags (the chips and suggestions work on comma lists).';

/**
 * A chip is pressed when the query requires its tag outright. On a plain list a chip
 * toggles its tag; on an expression (even one still being typed: the package's
 * `isExpression`), or on a list that does not parse yet, every chip is disabled (the
 * page never rewrites an expression, and does not guess at broken text), and for an
 * expression the hint under the input says why chips and suggestions are off.
 */
function syncChips() {
  if (!mod) return;
  const query = currentQuery();
  const { required, list } = readQuery(query);
  const expression = list === null && mod.isExpression(query);
  ui.tagsMode.textContent = expression ? EXPRESSION_HINT : '';
  ui.tagsMode.hidden = !expression;
  for (const b of ui.popular.querySelectorAll('button[data-tag]')) {
    b.setAttribute('aria-pressed', String(required?.includes(b.dataset.tag) ?? false));
    if (list) b.removeAttribute('aria-disabled');
    else b.setAttribute('aria-disabled', 'true');
    b.title = list ? '' : expression ? 'Edit the expression to add tags.' : 'Fix the tags to use the chips.';
  }
}

/** A chip click on a plain list: its tag in or out, the list written by the package. */
function toggleTag(tag) {
  const { list } = readQuery(currentQuery());
  if (!list) return; // disabled: an expression, or text that does not parse
  const text = writeList(list.includes(tag) ? list.filter((t) => t !== tag) : [...list, tag]);
  if (text === null) return;
  ui.tags.value = text;
  search();
}

// ---- wiring -------------------------------------------------------------------------

function wire() {
  const autocomplete = attachAutocomplete(ui.tags, ui.suggestions, {
    getCounts: () => counts,
    readList,
    writeList,
    onPick: () => search(),
  });
  ui.searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    autocomplete.close();
    search();
  });
  ui.tags.addEventListener('input', () => {
    ui.results.setAttribute('aria-busy', 'true'); // results are about to change
    syncChips(); // chips and the expression hint follow the text at once
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
