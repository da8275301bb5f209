// Tag autocomplete for the workflow input: an ARIA 1.2 combobox with a listbox popup.
// Suggests the fleet's own tags for the word being typed. Keyboard: ↓/↑ move through the
// suggestions, Enter picks one, Escape closes the list; Tab is left alone so focus never
// gets trapped.
//
// Where a word starts depends on how the package reads the text (`isExpression`, passed
// in): in ComfyControl's comma list only a comma ends a tag (`gpu a100` is one tag); in an
// expression, so do whitespace and every character the package itself reads as
// expression syntax, and inside an open quote the word is what follows the quote. The
// page keeps no operator list of its own: it names only the quote, which it also writes
// (query.js).

import { quotedBody, term } from './query.js';

const MAX_SUGGESTIONS = 8;

/**
 * Splits `value` into the text before the word being typed and the word itself;
 * `quoted` is true inside an open `"…` of an expression.
 */
export function currentToken(value, isExpression) {
  const expression = isExpression(value);
  const quotes = expression ? value.split('"').length - 1 : 0;
  let cut = -1;
  if (quotes % 2 === 1) {
    cut = value.lastIndexOf('"');
  } else {
    for (let i = value.length - 1; i >= 0; i--) {
      if (endsWord(value[i], expression, isExpression)) {
        cut = i;
        break;
      }
    }
  }
  const before = value.slice(0, cut + 1);
  const token = value.slice(cut + 1).replace(/^\s+/, '');
  return { before, token, quoted: quotes % 2 === 1 };
}

const endsWord = (c, expression, isExpression) => c === ','
  || (expression && (/\s/.test(c) || isExpression(c)));

/** Words in `value` already complete (so they are not suggested again). */
function tagsIn(value, isExpression) {
  const expression = isExpression(value);
  const words = [];
  let word = '';
  for (const c of value) {
    if (endsWord(c, expression, isExpression)) {
      words.push(word.trim());
      word = '';
    } else {
      word += c;
    }
  }
  words.push(word.trim());
  return new Set(words.filter(Boolean));
}

/**
 * Ranks `counts` (Map tag → runners) for `token`: prefix matches first, then substring
 * matches, each by popularity. An empty token gives the most popular tags.
 */
export function suggest(counts, value, isExpression, limit = MAX_SUGGESTIONS) {
  const { token } = currentToken(value, isExpression);
  const taken = tagsIn(value.slice(0, value.length - token.length), isExpression);
  const needle = token.toLowerCase();
  const scored = [];
  for (const [tag, count] of counts) {
    if (taken.has(tag) || tag === token) continue;
    const lower = tag.toLowerCase();
    const rank = !needle ? 1 : lower.startsWith(needle) ? 0 : lower.includes(needle) ? 1 : -1;
    if (rank >= 0) scored.push({ tag, count, rank });
  }
  scored.sort((a, b) => a.rank - b.rank || b.count - a.count || a.tag.localeCompare(b.tag));
  return scored.slice(0, limit);
}

/**
 * Wires the combobox. `getCounts()` returns the Map of tag → runner count (empty until
 * the fleet has loaded); `getIsExpression()` returns the package's `isExpression` (null
 * until the package has loaded: then no suggestions); `onPick(value)` runs after a
 * suggestion replaced the token.
 */
export function attachAutocomplete(input, listbox, { getCounts, getIsExpression, onPick }) {
  let options = [];
  let active = -1;

  const isOpen = () => !listbox.hidden;

  function close() {
    listbox.hidden = true;
    listbox.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    options = [];
    active = -1;
  }

  function open(force = false) {
    const isExpression = getIsExpression();
    if (!isExpression) return close();
    const { token } = currentToken(input.value, isExpression);
    if (!token && !force) return close();
    options = suggest(getCounts(), input.value, isExpression);
    if (options.length === 0) return close();
    active = -1;
    listbox.replaceChildren(...options.map((o, i) => {
      const li = document.createElement('li');
      li.id = `${listbox.id}-opt-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'suggestion';
      const name = document.createElement('span');
      name.className = 'suggestion-tag';
      name.textContent = o.tag;
      const count = document.createElement('span');
      count.className = 'suggestion-count';
      count.textContent = `${o.count} runner${o.count === 1 ? '' : 's'}`;
      li.append(name, count);
      li.addEventListener('mousedown', (ev) => ev.preventDefault()); // keep focus in the input
      li.addEventListener('click', () => pick(i));
      return li;
    }));
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    input.removeAttribute('aria-activedescendant');
  }

  function highlight(i) {
    active = (i + options.length) % options.length;
    [...listbox.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === active)));
    const li = listbox.children[active];
    input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }

  function pick(i) {
    const isExpression = getIsExpression();
    const { before, quoted } = currentToken(input.value, isExpression);
    const { tag } = options[i];
    // After the tag, a comma list is ready for the next tag; an expression for the
    // operator the user types next (a comma there could land inside parentheses).
    const expression = isExpression(input.value);
    const next = expression ? ' ' : ', ';
    let written;
    if (quoted) {
      written = `${quotedBody(tag)}"${next}`; // close the quote the user opened
    } else {
      const glue = before.endsWith(',') ? ' ' : ''; // `a,` → `a, b`; elsewhere as typed
      // A tag the package would read as syntax (or that holds a space, in an expression)
      // is written quoted, so the text still requires exactly that tag.
      const needsQuote = isExpression(tag) || (expression && /[\s,]/.test(tag));
      written = `${glue}${needsQuote ? term(isExpression, tag) : tag}${next}`;
    }
    input.value = `${before}${written}`;
    close();
    input.focus();
    onPick?.(input.value);
  }

  input.addEventListener('input', () => open());
  input.addEventListener('blur', () => close());
  input.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!isOpen()) open(true);
      if (!isOpen()) return;
      ev.preventDefault();
      highlight(active < 0 ? (ev.key === 'ArrowDown' ? 0 : options.length - 1) : active + (ev.key === 'ArrowDown' ? 1 : -1));
    } else if (ev.key === 'Enter' && isOpen() && active >= 0) {
      ev.preventDefault();
      pick(active);
    } else if (ev.key === 'Escape' && isOpen()) {
      ev.preventDefault();
      close();
    } else if (ev.key === 'Tab') {
      close();
    }
  });

  return { close, refresh: () => (isOpen() ? open() : undefined) };
}
