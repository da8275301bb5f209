// Tag autocomplete for the workflow input: an ARIA 1.2 combobox with a listbox popup.
// Suggests the fleet's own tags for the last token being typed (after the last comma
// or expression operator). Keyboard: ↓/↑ move through the suggestions, Enter picks
// one, Escape closes the list; Tab is left alone so focus never gets trapped.

const SEPARATORS = /[,&|!()]/;
const MAX_SUGGESTIONS = 8;

/** Splits `value` into the text before the token being typed and the token itself. */
export function currentToken(value) {
  let cut = -1;
  for (let i = value.length - 1; i >= 0; i--) {
    if (SEPARATORS.test(value[i])) {
      cut = i;
      break;
    }
  }
  const before = value.slice(0, cut + 1);
  const token = value.slice(cut + 1).replace(/^\s+/, '');
  return { before, token };
}

/** Tags in `value` already complete (so they are not suggested again). */
function tagsIn(value) {
  return new Set(value.split(SEPARATORS).map((t) => t.trim()).filter(Boolean));
}

/**
 * Ranks `counts` (Map tag → runners) for `token`: prefix matches first, then substring
 * matches, each by popularity. An empty token gives the most popular tags.
 */
export function suggest(counts, value, limit = MAX_SUGGESTIONS) {
  const { token } = currentToken(value);
  const taken = tagsIn(value.slice(0, value.length - token.length));
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
 * the fleet has loaded); `onPick(value)` runs after a suggestion replaced the token.
 */
export function attachAutocomplete(input, listbox, { getCounts, onPick }) {
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
    const { token } = currentToken(input.value);
    if (!token && !force) return close();
    options = suggest(getCounts(), input.value);
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
    const { before } = currentToken(input.value);
    const glue = before && !/\s$/.test(before) ? ' ' : '';
    input.value = `${before}${glue}${options[i].tag}, `;
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
