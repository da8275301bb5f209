// Tag autocomplete for the workflow input: an ARIA 1.2 combobox with a listbox popup.
// Suggests the fleet's own tags for the item being typed. Keyboard: ↓/↑ move through the
// suggestions, Enter picks one, Escape closes the list; Tab is left alone so focus never
// gets trapped.
//
// It works on ComfyControl's comma list only: the item being typed is the text after the
// last comma, and the page splits on nothing else. How the text before it and the item
// itself read is the package's answer (`readList`, passed in: the tags of a plain list,
// or null); a pick writes the whole list back with the package (`writeList`). Inside an
// expression there is no suggestion: the page does not guess where its words end.

const MAX_SUGGESTIONS = 8;

/**
 * The list being typed in `value`: `listed`, the tags before the last comma, and `typed`,
 * the item after it (`''` while it is empty), both as the package reads them; `null` when
 * the text is not a plain list the page can complete (an expression, or not valid yet).
 */
export function currentItem(value, readList) {
  const cut = value.lastIndexOf(',');
  const listed = readList(cut < 0 ? '' : value.slice(0, cut));
  const item = readList(value.slice(cut + 1));
  if (!listed || !item || item.length > 1) return null;
  return { listed, typed: item[0] ?? '' };
}

/**
 * Ranks `counts` (Map tag → runners) for the item being typed: prefix matches first, then
 * substring matches, each by popularity. An empty item gives the most popular tags; tags
 * already listed are left out.
 */
export function suggest(counts, { listed, typed }, limit = MAX_SUGGESTIONS) {
  const taken = new Set(listed);
  const needle = typed.toLowerCase();
  const scored = [];
  for (const [tag, count] of counts) {
    if (taken.has(tag) || tag === typed) continue;
    const lower = tag.toLowerCase();
    const rank = !needle ? 1 : lower.startsWith(needle) ? 0 : lower.includes(needle) ? 1 : -1;
    if (rank >= 0) scored.push({ tag, count, rank });
  }
  scored.sort((a, b) => a.rank - b.rank || b.count - a.count || a.tag.localeCompare(b.tag));
  return scored.slice(0, limit);
}

/**
 * Wires the combobox. `getCounts()` returns the Map of tag → runner count (empty until
 * the fleet has loaded); `readList(text)` the package's reading of `text` as a plain tag
 * list (null for anything else, and until the package has loaded: then no suggestions);
 * `writeList(tags)` the package's text for that list (null when it refuses the list);
 * `onPick(value)` runs after a pick rewrote the input.
 */
export function attachAutocomplete(input, listbox, { getCounts, readList, writeList, onPick }) {
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
    const item = currentItem(input.value, readList);
    if (!item || (!item.typed && !force)) return close();
    options = suggest(getCounts(), item);
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
    const item = currentItem(input.value, readList);
    if (!item) return close();
    // The whole list as the package writes it (quoted where a tag needs it), ready for
    // the next item.
    const written = writeList([...item.listed, options[i].tag]);
    if (written === null) return close(); // the package refused the list (too many tags)
    input.value = `${written}, `;
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
