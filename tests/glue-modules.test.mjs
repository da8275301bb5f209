// The wasm glue's structure (issue 11: "internal modules private; no import cycles"):
// every `crate::module` a glue module names is an edge, and the graph must have no cycle;
// and the two halves of the private boundary encoding (Rust and js/results.js) agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const SRC = new URL('../crates/runner-match-wasm/src/', import.meta.url);

/** module → the other glue modules it names (`crate::x`), from the sources. */
function moduleGraph(files) {
  const graph = new Map();
  for (const [name, text] of files) {
    const uses = new Set([...text.matchAll(/\bcrate::([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
    // Grouped imports: `use crate::{a::X, b::{Y, Z}}` names `a` and `b`.
    for (const group of text.matchAll(/\bcrate::\{([^;]*)\};/g)) {
      for (const m of group[1].matchAll(/(?:^|[{,]\s*)([a-z_][a-z0-9_]*)(?=::|\s*[,}]|$)/g)) uses.add(m[1]);
    }
    uses.delete(name);
    graph.set(name, [...uses].filter((used) => files.has(used)));
  }
  return graph;
}

/** The first cycle found, as a path `a → b → … → a`, or null. */
function findCycle(graph) {
  const state = new Map(); // 1: on the current path, 2: done
  const path = [];
  const visit = (node) => {
    state.set(node, 1);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 2);
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

const glue = new Map(
  readdirSync(SRC)
    .filter((f) => f.endsWith('.rs') && f !== 'lib.rs')
    .map((f) => [f.slice(0, -3), readFileSync(new URL(f, SRC), 'utf8')]),
);

test('the cycle finder sees a cycle, and no cycle where there is none', () => {
  const files = new Map([
    ['a', 'use crate::b::X;'],
    ['b', 'use crate::c::{Y, Z};'],
    ['c', 'fn f() { crate::a::g() }'],
  ]);
  assert.deepEqual(findCycle(moduleGraph(files)), ['a', 'b', 'c', 'a']);
  files.set('c', 'use crate::{error::Error, a::{f, g}};');
  assert.deepEqual(findCycle(moduleGraph(files)), ['a', 'b', 'c', 'a'], 'a grouped import is an edge too');
  files.set('c', 'use crate::error::Error;');
  assert.equal(findCycle(moduleGraph(files)), null);
});

test('the wasm glue modules import each other without a cycle', () => {
  assert.ok(glue.size > 10, `read ${glue.size} modules from ${SRC.pathname}`);
  const graph = moduleGraph(glue);
  assert.ok(graph.get('client').includes('results'), 'the graph sees `use crate::…` edges');
  const cycle = findCycle(graph);
  assert.equal(cycle, null, `import cycle: ${cycle?.join(' → ')}`);
});

test('only `match_runners` is a public module of the glue crate', () => {
  const lib = readFileSync(new URL('lib.rs', SRC), 'utf8');
  const modules = [...lib.matchAll(/^(pub(?:\([^)]*\))? )?mod ([a-z_]+);/gm)];
  assert.ok(modules.length >= glue.size, 'lib.rs declares every module');
  const exported = modules.filter((m) => m[1] === 'pub ').map((m) => m[2]);
  assert.deepEqual(exported, ['match_runners']);
});

/** `const NAME: type = value;` (Rust) or `const NAME = value;` (JS) numbers of a source. */
function constants(text) {
  const found = {};
  for (const m of text.matchAll(/^\s*(?:pub\(crate\) )?const ([A-Z_]+)(?::\s*u\d+)?\s*=\s*([^;]+);/gm)) {
    const value = m[2].trim().replace(/u32::MAX/g, '0xffffffff').replace(/_/g, '');
    if (/^[0-9a-fx\s+\-]+$/i.test(value)) found[m[1]] = Function(`return (${value});`)();
  }
  return found;
}

test('the Rust and JS halves of the boundary encoding name the same numbers', () => {
  const kinds = constants(readFileSync(new URL('kinds.rs', SRC), 'utf8'));
  const codes = constants(readFileSync(new URL('runner_columns.rs', SRC), 'utf8'));
  const jsText = readFileSync(new URL('../js/results.js', SRC), 'utf8');
  const js = constants(jsText);
  const fits = JSON.parse(jsText.match(/^const FITS = (\[[^\]]*\]);/m)[1].replace(/'/g, '"'));

  for (const name of ['HAS_TYPE', 'SELF_HOSTED']) {
    assert.ok(kinds[name] > 0, `kinds.rs names ${name}`);
    assert.equal(js[name], kinds[name], name);
  }
  assert.deepEqual([fits[0], fits[kinds.FIT_SUPERSET], fits[kinds.FIT_WILDCARD]], ['exact', 'superset', 'wildcard']);
  assert.equal(js.FIT_BITS & (js.HAS_TYPE | js.SELF_HOSTED), 0, 'fit bits and flags do not overlap');
  assert.equal(js.FIT_BITS & kinds.FIT_WILDCARD & kinds.FIT_SUPERSET, 0);
  assert.equal(js.FIT_BITS | kinds.FIT_WILDCARD | kinds.FIT_SUPERSET, js.FIT_BITS, 'every fit fits in FIT_BITS');

  for (const name of ['STATUS_MASK', 'TYPE_SHIFT', 'SLOW', 'BROKEN']) {
    assert.ok(codes[name] !== undefined, `runner_columns.rs names ${name}`);
    assert.equal(js[name], codes[name], name);
  }
  const largest = (((js.MAX_TYPE_ID + 1) << js.TYPE_SHIFT) | js.STATUS_MASK) >>> 0;
  assert.ok(largest < js.BROKEN && js.BROKEN < js.SLOW, 'no packed code reaches BROKEN or SLOW');
});
