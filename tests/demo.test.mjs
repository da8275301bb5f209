// The `make demo` page (web/) driven in headless Chromium against the demo server
// (standin/demo.mjs): ranking, autocomplete, explanations, errors, keyboard use, the
// dev-console lines, and screenshots in target/.
// Run: cd tests && node --test demo.test.mjs

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { explainRunners, matchRunners, workflowTags } from '../pkg/node.js';
import { pkgBuilt, startDemo } from '../standin/demo.mjs';
import { loadDefaultFleet, loadDemoSelfHosted, startStandin } from '../standin/server.mjs';
import { referenceDiagnosis } from './support/diagnose-reference.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];
const TARGET = fileURLToPath(new URL('../target/', import.meta.url));
const DEMO_SCRIPT = fileURLToPath(new URL('../standin/demo.mjs', import.meta.url));
const MANAGED = loadDefaultFleet();
// The demo's pool: both sources, its managed fleet and its self-hosted runners.
const FLEET = [...MANAGED, ...loadDemoSelfHosted()];

let demo; // accept-any-token demo server: web/ + pkg/ + API
let strict; // a second stand-in that only accepts cfc_demo
let browser;
let context;
let page;
let problems; // uncaught page errors and console errors

before(async () => {
  [demo, strict] = await Promise.all([startDemo({ port: 0 }), startStandin({ port: 0 })]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await Promise.all([demo?.close(), strict?.close()]);
});

beforeEach(async () => {
  demo.reset();
  strict.reset();
  context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  page = await context.newPage();
  problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
});

afterEach(async () => {
  await context?.close();
  assert.deepEqual(problems, []);
});

/** Opens the demo page and waits until the fleet is loaded. */
async function open(viewport) {
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${demo.url}/`);
  await page.waitForSelector('#conn-status[data-state="ok"]');
  await idle();
}

/** Waits until no search is pending (typing marks the results busy until the debounced search ends). */
async function idle() {
  await page.waitForTimeout(50);
  await page.waitForFunction(() => !document.querySelector('#results').hasAttribute('aria-busy'));
}

/** Types into the tag input like a user, then submits with Enter. */
async function search(tags) {
  const input = page.locator('#tags');
  await input.fill('');
  await input.pressSequentially(tags, { delay: 5 });
  await page.keyboard.press('Escape'); // close suggestions so Enter submits
  await input.press('Enter');
  await idle();
}

const text = (selector) => page.locator(selector).innerText();
const cardNames = () => page.locator('#result-list .runner-name').allInnerTexts();
/** The cards show what matchRunners says over the demo's pool for `query`. */
/** The popular-tag chip of `tag`. */
const chip = (tag) => page.locator(`#popular-tags button[data-tag=${JSON.stringify(tag)}]`);
const expectCards = async (query) => assert.deepEqual(await cardNames(), matchRunners(FLEET, query).map((m) => m.name));

/** Points the Connection section at another API. */
async function connectTo(baseUrl, token) {
  if (!(await page.locator('#connection').evaluate((d) => d.open))) await page.locator('#connection summary').click();
  await page.locator('#base-url').fill(baseUrl);
  await page.locator('#token').fill(token);
  await page.locator('#conn-form button[type="submit"]').click();
  await page.waitForSelector('#conn-status:not([data-state="connecting"])');
}

describe('demo page', () => {
  test('loads the package and the fleet from its own origin, with the demo token', async () => {
    const foreign = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(demo.url) && !req.url().startsWith('data:')) foreign.push(req.url());
    });
    await open();
    assert.equal(await text('#conn-status-text'), `Demo API · ${FLEET.length} runners`);
    const active = FLEET.filter((r) => r.status === 'active').length;
    assert.equal(await text('#summary'), `${active} of ${FLEET.length} runners can run an untagged workflow.`);
    assert.equal(await page.locator('#popular-tags button').count(), 12);
    assert.deepEqual(foreign, [], 'no request leaves the origin');
    const api = demo.requests().filter((r) => r.kind === 'api');
    assert.ok(api.length >= 1 && api.every((r) => r.authorization === 'present' && r.status === 200));
  });

  test('ranked results are what matchRunners says over the fleet', async () => {
    await open();
    await search('gpu-a100, flux');
    const expected = matchRunners(FLEET, 'gpu-a100, flux');
    assert.deepEqual(await cardNames(), expected.map((m) => m.name));
    assert.equal(await text('#summary'), `${expected.length} of ${FLEET.length} runners can run this workflow.`);
    const first = page.locator('#result-list > li').first();
    assert.equal(await first.locator('.runner-name').innerText(), expected[0].name);
    assert.equal(await first.locator('.score').innerText(), expected[0].score.toFixed(2));
    assert.equal(await first.locator('[role="meter"]').getAttribute('aria-valuenow'), String(Math.round(expected[0].score * 100)));
    assert.equal(await first.locator('.fit').innerText(), `over-qualified: +${expected[0].extraTags.length} tags`);
    assert.deepEqual(await first.locator('.tag.matched').allInnerTexts(), expected[0].matchedTags.map((t) => `✓ ${t}`));
    assert.deepEqual(await first.locator('.tag.extra').allInnerTexts(), expected[0].extraTags.map((t) => `+ ${t}`));
    assert.equal(await page.locator('#result-list > li').last().locator('.fit').innerText(), 'wildcard runner');
    assert.equal(await page.locator('#explanation').isVisible(), false);

    await search('gpu-a100, development');
    const exact = matchRunners(FLEET, 'gpu-a100, development');
    assert.equal(exact[0].fit, 'exact');
    assert.equal(await page.locator('#result-list .runner-name').first().innerText(), exact[0].name);
    assert.equal(await page.locator('#result-list .score').first().innerText(), '1.00');
    assert.equal(await page.locator('#result-list .fit').first().innerText(), 'exact fit');
  });

  test('results follow the input as you type (debounced) and the popular chips', async () => {
    await open();
    await page.locator('#tags').pressSequentially('sdxl', { delay: 5 });
    await page.keyboard.press('Escape');
    await idle();
    await expectCards('sdxl');
    await page.locator('#popular-tags button[data-tag="eu-west"]').click();
    await idle();
    assert.equal(await page.locator('#tags').inputValue(), 'sdxl, eu-west');
    assert.equal(await page.locator('#popular-tags button[data-tag="eu-west"]').getAttribute('aria-pressed'), 'true');
    await expectCards('sdxl, eu-west');
  });

  test('an expression query: chips are disabled with a hint, and clicking one leaves the text alone', async () => {
    await open();
    const query = 'gpu-a100 & (flux | sdxl)';
    await search(query);
    await expectCards(query);
    // gpu-a100 is required outright (the package's workflowTags): pressed; flux is only one side of an OR.
    assert.equal(await chip('gpu-a100').getAttribute('aria-pressed'), 'true');
    assert.equal(await chip('flux').getAttribute('aria-pressed'), 'false');
    assert.equal(await text('#tags-mode'),
      'An expression: edit the expression to add tags (the chips and suggestions work on comma lists).');
    for (const tag of ['gpu-a100', 'eu-west']) {
      assert.equal(await chip(tag).getAttribute('aria-disabled'), 'true', tag);
      assert.equal(await chip(tag).getAttribute('title'), 'Edit the expression to add tags.');
      await chip(tag).click({ force: true }); // aria-disabled: a user can still click it
      await idle();
      assert.equal(await page.locator('#tags').inputValue(), query, `${tag}: the expression is untouched`);
    }
    await expectCards(query);
    // A comma list: no hint, and chips toggle tag by tag, both ways.
    await search('sdxl, eu-west');
    assert.equal(await page.locator('#tags-mode').isVisible(), false);
    assert.equal(await chip('eu-west').getAttribute('aria-disabled'), null);
    await chip('eu-west').click();
    await idle();
    assert.equal(await page.locator('#tags').inputValue(), 'sdxl');
    await expectCards('sdxl');
    // The explanation of an expression gives the package's hints, but no button rewrites it.
    await search('GPU-A100 & (flux | sdxl)');
    const box = page.locator('#explanation');
    assert.match(await box.innerText(), /GPU-A100 — did you mean gpu-a100\? \(tags are case-sensitive\)/);
    assert.match(await box.innerText(), /drop GPU-A100: 21 runners/);
    assert.equal(await box.getByRole('button').count(), 0);
  });

  test('autocomplete is off inside an expression, and the page says why', async () => {
    await open();
    const input = page.locator('#tags');
    const listbox = page.locator('#tag-suggestions');
    const hint = page.locator('#tags-mode');
    // Still being typed (it does not parse yet): the package already reads it as an expression.
    for (const typed of ['gpu-a100 & (fl', 'sdxl | "gpu-a1', 'flux | sdxl & !dev']) {
      await input.fill('');
      await input.pressSequentially(typed, { delay: 5 });
      await input.press('ArrowDown');
      assert.equal(await listbox.isVisible(), false, typed);
      assert.equal(await input.getAttribute('aria-expanded'), 'false');
      assert.match(await hint.innerText(), /edit the expression to add tags/, typed);
      assert.equal(await input.inputValue(), typed, 'nothing written into an expression');
    }
    await page.keyboard.press('Escape');
    await idle();
    // Back to a comma list: suggestions again, and the hint goes.
    await input.fill('');
    await input.pressSequentially('flux, gpu-a', { delay: 5 });
    await listbox.waitFor({ state: 'visible' });
    assert.equal(await hint.isVisible(), false);
    await input.press('Escape');
    await idle();
  });

  /** The page connected to the strict API serving active runners with these tag lists; the fleet. */
  async function openWithTags(tagLists) {
    const fleet = tagLists.map((tags, i) => ({ ...MANAGED[i], status: 'active', tags }));
    strict.setFleet(fleet);
    await open();
    await connectTo(strict.url, 'cfc_demo');
    await page.waitForSelector('#conn-status[data-state="ok"]');
    await idle();
    return fleet;
  }

  test('tags that need quotes: chips, autocomplete and fix buttons write lists the package reads back', async () => {
    const fleet = await openWithTags([['gpu a100', 'v2!', 'flux'], ['gpu a100', 'flux'], ['gpu a100', 'v2!'], ['sdxl', 'say "hi"']]);
    const input = page.locator('#tags');
    const listbox = page.locator('#tag-suggestions');
    /** The input reads back (in the package) as exactly `tags`, without an error, and the cards follow. */
    const expectList = async (tags) => {
      await idle();
      const value = (await input.inputValue()).replace(/, $/, '');
      assert.deepEqual(workflowTags(value).tags, tags, value);
      assert.equal(await text('#tags-error'), '');
      assert.deepEqual(await cardNames(), matchRunners(fleet, tags).map((m) => m.name), value);
    };

    // Chips: a tag needing quotes is added quoted; the quoted list is still a list, so
    // the chips stay on and toggle back.
    await search('gpu a100');
    await chip('v2!').click();
    assert.equal(await input.inputValue(), '"gpu a100", "v2!"');
    await expectList(['gpu a100', 'v2!']);
    assert.equal(await chip('v2!').getAttribute('aria-pressed'), 'true');
    assert.equal(await chip('v2!').getAttribute('aria-disabled'), null);
    assert.equal(await page.locator('#tags-mode').isVisible(), false);
    await chip('say "hi"').click();
    await expectList(['gpu a100', 'v2!', 'say "hi"']);
    await chip('v2!').click();
    await expectList(['gpu a100', 'say "hi"']);
    await chip('say "hi"').click();
    assert.equal(await input.inputValue(), 'gpu a100');
    await expectList(['gpu a100']);

    // Autocomplete on `gpu a100, v`: the whole list written back, with both tags.
    await input.fill('');
    await input.pressSequentially('gpu a100, v', { delay: 5 });
    await listbox.waitFor({ state: 'visible' });
    assert.deepEqual(await listbox.locator('.suggestion-tag').allInnerTexts(), ['v2!']);
    await input.press('ArrowDown');
    await input.press('Enter');
    assert.equal(await input.inputValue(), '"gpu a100", "v2!", ');
    await expectList(['gpu a100', 'v2!']);
    // It goes on in the quoted list.
    await input.pressSequentially('fl', { delay: 5 });
    await listbox.waitFor({ state: 'visible' });
    await input.press('ArrowDown');
    await input.press('Enter');
    await expectList(['gpu a100', 'v2!', 'flux']);

    // A fix button writing a quoted tag: "Use v2!" on `gpu a100, v2`.
    await search('gpu a100, v2');
    const box = page.locator('#explanation');
    assert.match(await box.innerText(), /v2 — did you mean v2!\?/);
    await box.getByRole('button', { name: 'Use v2!' }).click();
    assert.equal(await input.inputValue(), '"gpu a100", "v2!"');
    await expectList(['gpu a100', 'v2!']);
  });

  test('a tag with spaces around it is never written into the query: no chip, no suggestion, no fix button', async () => {
    // ' flux' is a tag the package keeps, but ComfyControl's comma list cannot carry it:
    // a list holding it would no longer read as a plain list, so the page never offers it.
    await openWithTags([['gpu', ' flux'], ['gpu', ' flux'], ['gpu', 'sdxl']]);
    assert.equal(await chip(' flux').count(), 0);
    assert.equal(await chip('sdxl').count(), 1);

    await search('gpu, flux');
    const box = page.locator('#explanation');
    assert.match(await box.innerText(), /did you mean/, 'the package still hints at the padded tag');
    assert.equal(await box.getByRole('button', { name: /^Use / }).count(), 0);

    const input = page.locator('#tags');
    await input.fill('');
    await input.pressSequentially('gpu, f', { delay: 5 });
    await idle();
    const listbox = page.locator('#tag-suggestions');
    assert.deepEqual(await listbox.locator('.suggestion-tag').allInnerTexts(), []);
  });

  test('autocomplete suggests the fleet\'s tags; arrows and Enter pick one', async () => {
    await open();
    const input = page.locator('#tags');
    await input.pressSequentially('flux, gpu-a', { delay: 5 });
    const listbox = page.locator('#tag-suggestions');
    await listbox.waitFor({ state: 'visible' });
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    // The pool's tags: gpu-a100 (managed runners) and gpu-a6000 (a self-hosted one).
    assert.deepEqual(await listbox.locator('.suggestion-tag').allInnerTexts(), ['gpu-a100', 'gpu-a6000']);
    await input.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'tag-suggestions-opt-0');
    assert.equal(await listbox.locator('[role="option"]').first().getAttribute('aria-selected'), 'true');
    await input.press('Enter');
    assert.equal(await input.inputValue(), 'flux, gpu-a100, ');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    await idle();
    await expectCards('flux, gpu-a100');
    // Tags already typed are not suggested again; Escape closes the list.
    await input.pressSequentially('f', { delay: 5 });
    assert.ok(!(await listbox.locator('.suggestion-tag').allInnerTexts()).includes('flux'));
    await input.press('Escape');
    assert.equal(await listbox.isVisible(), false);
  });

  test('keyboard only: Tab to the input, type, Enter', async () => {
    await open();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'tags'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    assert.equal(focused, 'tags', 'the tag input is reachable with Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.equal(outline, 'solid', 'focus is visible');
    await page.keyboard.type('sdxl, eu-west', { delay: 5 });
    await page.keyboard.press('Enter');
    await idle();
    await expectCards('sdxl, eu-west');
  });

  test('GPU-A100: the explanation gives the case hint, and its fix button works', async () => {
    await open();
    await search('GPU-A100');
    const box = page.locator('#explanation');
    assert.ok(await box.isVisible());
    const explanation = await box.innerText();
    assert.match(explanation, /GPU-A100 — did you mean gpu-a100\? \(tags are case-sensitive\)/);
    assert.match(await text('#summary'), /only an untagged wildcard runner/);
    await box.getByRole('button', { name: 'Use gpu-a100' }).click();
    await idle();
    assert.equal(await page.locator('#tags').inputValue(), 'gpu-a100');
    await expectCards('gpu-a100');
    assert.equal(await box.isVisible(), false);
  });

  test('what to submit: the page says when ComfyControl will not enforce the whole requirement', async () => {
    await open();
    await search('gpu-a100, flux');
    const line = page.locator('#submit-tags');
    assert.ok(await line.isVisible());
    assert.equal(await line.innerText(), "Submit as the workflow's tags: gpu-a100,flux — ComfyControl enforces all of it.");
    assert.equal(await line.getAttribute('data-enforced'), 'true');
    await search('gpu-a100 & (flux | sdxl) & !development');
    const { text: submitted, notEnforced } = workflowTags('gpu-a100 & (flux | sdxl) & !development');
    assert.equal(await line.getAttribute('data-enforced'), 'false');
    assert.equal(await line.innerText(), `Submit as the workflow's tags: ${submitted} — ComfyControl will not enforce `
      + `${notEnforced.join(', ')}: it may run this workflow on runners not listed here.`);
    assert.deepEqual(notEnforced, ['flux | sdxl (an OR)', '!development (a NOT)']);
    await search('');
    assert.equal(await line.isVisible(), false, 'nothing to submit for an untagged workflow');
  });

  test('an impossible combination: the explanation suggests the tag to drop', async () => {
    await open();
    const tags = 'gpu-h100, sdxl, eu-west';
    await search(tags);
    // The page shows the package's own explanation (client.explain over the same pool).
    const expected = explainRunners(FLEET, tags);
    assert.equal(expected.bestChange.subject, 'gpu-h100');
    const explanation = await text('#explanation');
    assert.ok(explanation.includes(expected.summary), explanation);
    assert.match(explanation, new RegExp(`drop gpu-h100: ${expected.bestChange.runners} runners`));
    assert.match(explanation, /Closest runners/);
    assert.match(explanation, /Explanation by the package \(client\.explain\)/);
    await page.locator('#explanation').getByRole('button', { name: 'Drop gpu-h100' }).click();
    await idle();
    assert.equal(await page.locator('#tags').inputValue(), 'sdxl, eu-west');
    assert.equal((await cardNames()).length, matchRunners(FLEET, 'sdxl, eu-west').length);
  });

  test('bad connection settings are reported at the field, before any request', async () => {
    await open();
    await connectTo('http://example.com', 'cfc_demo');
    assert.match(await text('#conn-error'), /refusing plain http/);
    assert.equal(await page.locator('#base-url').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'base-url');
    assert.equal(await text('#conn-status-text'), `Demo API · ${FLEET.length} runners`, 'the working client is kept');
  });

  test('a fleet without wildcard runners: a true empty state, with typo hints', async () => {
    strict.setFleet(MANAGED.filter((r) => r.tags.length > 0));
    await open();
    await connectTo(strict.url, 'cfc_demo');
    await page.waitForSelector('#conn-status[data-state="ok"]');
    await idle();
    await search('fluxx, eu-wst');
    assert.equal(await page.locator('#result-list > li').count(), 0);
    assert.equal(await text('#summary'), `0 of ${MANAGED.length - 1} runners can run this workflow.`);
    const explanation = await text('#explanation');
    assert.match(explanation, /No runner can run this workflow/);
    assert.match(explanation, /fluxx — did you mean flux\?/);
    assert.match(explanation, /eu-wst — did you mean eu-west\?/);
  });

  test('invalid input: the message is under the input', async () => {
    await open();
    await search('a,,b');
    assert.match(await text('#tags-error'), /empty tag at position 2/);
    assert.equal(await page.locator('#tags').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#tags-error').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('#result-list > li').count(), 0);
    await search('flux');
    assert.equal(await text('#tags-error'), '');
  });

  test('a wrong token against a strict API: "check the token", and the token is kept nowhere', async () => {
    await open();
    const secret = 'cfc_wrong_token_123';
    await connectTo(strict.url, secret);
    const error = page.locator('#error-view');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.innerText(), /401/);
    assert.match(await error.innerText(), /check the token/i);
    assert.equal(await text('#conn-status-text'), 'Not connected');
    assert.ok(strict.requests().some((r) => r.status === 401 && r.authorization === 'present'));
    assert.equal(await page.locator('#token').getAttribute('type'), 'password');
    assert.equal(await page.locator('#token').getAttribute('autocomplete'), 'off');
    const kept = await page.evaluate(() => JSON.stringify([location.href, document.cookie,
      Object.entries(localStorage), Object.entries(sessionStorage)]));
    assert.ok(!kept.includes(secret), kept);
    assert.ok(!(await error.innerText()).includes(secret));
    // The right token for that API works.
    await connectTo(strict.url, 'cfc_demo');
    await page.waitForSelector('#conn-status[data-state="ok"]');
    assert.equal(await error.isVisible(), false);
  });

  test('403, server errors and network errors say what to do next', async () => {
    await open();
    strict.setFaults([{ status: 403, times: 'always' }]);
    await connectTo(strict.url, 'cfc_demo');
    await page.locator('#error-view').waitFor({ state: 'visible' });
    assert.match(await text('#error-view'), /your tier lacks managed runners \(Pro or Plus needed\)/i);

    strict.reset();
    strict.setFaults([{ path: '/v1/managed-runner', status: 503, retryAfter: '0', times: 3 }]);
    await connectTo(strict.url, 'cfc_demo');
    await page.locator('#error-view').waitFor({ state: 'visible' });
    assert.match(await text('#error-view'), /try again/i);
    await page.locator('#error-view').getByRole('button', { name: 'Try again' }).click();
    await page.waitForSelector('#conn-status[data-state="ok"]');
    assert.equal(await page.locator('#error-view').isVisible(), false);

    const gone = await startStandin({ port: 0 });
    await gone.close(); // nothing listens on its port any more
    await connectTo(gone.url, 'cfc_demo');
    await page.locator('#error-view').waitFor({ state: 'visible' });
    assert.match(await text('#error-view'), /Is the base URL right/);
    assert.match(await text('#error-view'), /CORS/);
  });

  test('a Free tier: no error — the pool note says managed runners are unavailable, and matching uses the self-hosted ones', async () => {
    strict.setFleet({ selfHosted: loadDemoSelfHosted() });
    await open();
    await connectTo(strict.url, 'cfc_free_demo');
    await page.waitForSelector('#conn-status[data-state="ok"]');
    await idle();
    assert.equal(await text('#conn-status-text'), `${new URL(strict.url).host} · 5 runners`);
    assert.equal(await page.locator('#pool-note').isVisible(), true);
    assert.match(await text('#pool-note'), /Managed runners: none\. The account's tier has no managed runners \(403; they need Pro or Plus\)/);
    assert.equal(await page.locator('#error-view').isVisible(), false);
    await search('flux');
    const own = loadDemoSelfHosted();
    assert.deepEqual(await cardNames(), matchRunners(own, 'flux').map((m) => m.name));
  });

  test('Waiting workflows: the package\'s diagnose report, which agrees with an independent reference', async () => {
    await open();
    await page.waitForFunction(() => document.querySelector('#workflows-summary').textContent !== 'Loading…');
    const want = referenceDiagnosis(FLEET, demo.workflows());
    assert.equal(await text('#workflows-summary'), want.summary);
    const items = page.locator('#workflow-list > li');
    assert.equal(await items.count(), want.workflows.length);
    assert.deepEqual(await items.evaluateAll((lis) => lis.map((li) => li.dataset.id)), want.workflows.map((w) => w.id));
    for (const [i, w] of want.workflows.entries()) {
      const item = items.nth(i);
      const verdict = await item.locator('.wf-verdict').innerText();
      if (w.stuck) assert.equal(verdict, `Stuck: ${w.stuck.message}`);
      else assert.match(verdict, new RegExp(`^${w.matchCount} runners? can run it · best: `));
      assert.equal(await item.getAttribute('data-state'), w.stuck ? 'stuck' : w.best.fit === 'wildcard' ? 'wildcard' : 'ok');
      assert.equal(await item.locator('.wf-why').count(), w.explained ? 1 : 0);
    }
    // On a Free tier the same workflows are diagnosed against the self-hosted runners only.
    strict.setFleet({ selfHosted: loadDemoSelfHosted() });
    await connectTo(strict.url, 'cfc_free_demo');
    await page.waitForFunction(() => !['Loading…', ''].includes(document.querySelector('#workflows-summary').textContent));
    assert.equal(await text('#workflows-summary'), referenceDiagnosis(loadDemoSelfHosted(), strict.workflows()).summary);
  });

  test('the dev-console lines on the page work as written', async () => {
    await open();
    const snippet = await page.locator('#console-snippet').textContent();
    assert.match(snippet, /^const rm = await import\('\/pkg\/runner_match\.js'\);/);
    const tables = [];
    page.on('console', (msg) => {
      if (msg.type() === 'table') tables.push(msg);
    });
    const rows = await page.evaluate(`(async () => {
      ${snippet}
      return (await rm.findRunners('gpu-a100, flux')).map((m) => [m.name, m.score, m.fit]);
    })()`);
    const expected = matchRunners(FLEET, 'gpu-a100, flux');
    assert.deepEqual(rows, expected.map((m) => [m.name, m.score, m.fit]));
    await page.waitForTimeout(100);
    assert.equal(tables.length, 1, 'console.table was called');
    const first = await tables[0].args()[0].jsonValue();
    assert.equal(first[0].name, expected[0].name);
  });

  test('screenshots: desktop and 375 px wide, no horizontal scrolling', async () => {
    mkdirSync(TARGET, { recursive: true });
    await open();
    await search('gpu-a100, flux');
    await page.locator('#tags').blur();
    await page.screenshot({ path: `${TARGET}demo-screenshot.png`, fullPage: true });

    await open({ width: 375, height: 812 });
    await search('GPU-A100');
    await page.locator('#tags').blur();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the 375 px viewport`);
    await page.screenshot({ path: `${TARGET}demo-screenshot-mobile.png`, fullPage: true });
  });
});

describe('demo server', () => {
  test('serves the page, the package and the API (any token) on one origin', async () => {
    const html = await fetch(`${demo.url}/`);
    assert.equal(html.status, 200);
    assert.match(await html.text(), /<script type="module" src="app.js">/);
    const wasm = await fetch(`${demo.url}/pkg/runner_match_bg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    const api = await fetch(`${demo.url}/v1/managed-runner?per_page=1`, { headers: { Authorization: 'Bearer any_pasted_token' } });
    assert.equal(api.status, 200);
    assert.equal((await api.json()).total, MANAGED.length);
  });

  test('knows when pkg/ is missing', () => {
    assert.equal(pkgBuilt(), true);
    assert.equal(pkgBuilt('/nonexistent-runner-match'), false);
  });

  test('the CLI prints the URL and what to try, and exits cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [DEMO_SCRIPT], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('Ctrl-C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    const url = /runner-match demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
    assert.ok(url, out);
    assert.match(out, /gpu-a100, flux/);
    assert.match(out, /GPU-A100/);
    assert.match(out, /rm\.configure\(\{ token: 'cfc_demo', baseUrl: location\.origin \}\)/);
    assert.equal((await fetch(`${url}/`)).status, 200);
    const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGINT');
    assert.deepEqual(await exit, { code: 0, signal: null });
  });
});
