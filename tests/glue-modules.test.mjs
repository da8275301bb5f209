// The wasm glue's module graph (issue 11: "internal modules private; no import cycles"):
// every `crate::module` a glue module names is an edge, and the graph must have no cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const SRC = new URL('../crates/runner-match-wasm/src/', import.meta.url);

/** module → the other glue modules it names (`crate::x`), from the sources. */
export function moduleGraph(files) {
  const graph = new Map();
  for (const [name, text] of files) {
    const uses = new Set([...text.matchAll(/\bcrate::([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
    uses.delete(name);
    graph.set(name, [...uses].filter((used) => files.has(used)));
  }
  return graph;
}

/** The first cycle found, as a path `a → b → … → a`, or null. */
export function findCycle(graph) {
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
