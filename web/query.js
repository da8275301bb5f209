// Writing the requirement text for the chips and the autocomplete. How a text is *read*
// is always the package's answer (`isExpression`, `workflowTags`); this module only
// writes tags back in a form that the package reads as exactly those tags.

/**
 * A tag as a term of an expression: bare when the package reads the word as that tag,
 * else quoted (the expression language's literal form: `"gpu a100"`, `"v2!"`,
 * `"type:x"`), with `\` and `"` escaped as the language requires.
 */
export function term(isExpression, tag) {
  const bare = tag !== '' && !isExpression(tag) && !/[\s,]/.test(tag);
  return bare ? tag : `"${quotedBody(tag)}"`;
}

/** `tag` as the inside of a quoted term: `\` and `"` escaped. */
export const quotedBody = (tag) => tag.replace(/[\\"]/g, '\\$&');

/**
 * The tags as requirement text: ComfyControl's comma list (`a, b`) when the package reads
 * that back as these tags, otherwise the same conjunction as an expression with the
 * tags that need it quoted (`a, "v2!"`: in an expression a comma is also AND).
 */
export function listText(isExpression, tags) {
  const plain = tags.join(', ');
  const readsBack = !isExpression(plain) && tags.every((t) => t && t === t.trim() && !t.includes(','));
  return readsBack ? plain : tags.map((t) => term(isExpression, t)).join(', ');
}

/**
 * `query` with `tag` added as one more required clause, leaving the user's text intact.
 * The comma is the AND of lowest precedence in an expression (`flux | sdxl, gpu` is
 * `(flux | sdxl) & gpu`) and the separator of a comma list, so the result requires
 * whatever `query` did plus `tag`, whichever form `query` is in.
 */
export function withTag(isExpression, query, tag) {
  const written = isExpression(query) ? term(isExpression, tag) : listText(isExpression, [tag]);
  return query ? `${query}, ${written}` : written;
}
