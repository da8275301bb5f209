// A tiny twiggy stand-in: section sizes and the biggest functions of a .wasm (by the
// name section, when present). Usage: node bench/wasm-sections.mjs FILE.wasm [TOP]
import { readFileSync } from 'node:fs';

export function analyze(bytes) {
  let p = 8;
  const u32 = () => {
    let result = 0, shift = 0, b;
    do { b = bytes[p++]; result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return result >>> 0;
  };
  const name = () => { const n = u32(); const s = new TextDecoder().decode(bytes.subarray(p, p + n)); p += n; return s; };
  const ids = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];
  const sections = [];
  let importedFuncs = 0;
  const bodies = [];
  const names = new Map();
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    const start = p;
    let label = ids[id] ?? `#${id}`;
    if (id === 0) {
      const n = name();
      label = `custom:${n}`;
      if (n === 'name') {
        while (p < start + size) {
          const sub = bytes[p++]; const subSize = u32(); const subEnd = p + subSize;
          if (sub === 1) {
            const count = u32();
            for (let i = 0; i < count; i++) { const idx = u32(); names.set(idx, name()); }
          }
          p = subEnd;
        }
      }
    } else if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        name(); name(); const kind = bytes[p++];
        if (kind === 0) { u32(); importedFuncs++; }
        else if (kind === 1) { p++; const f = u32(); u32(); if (f & 1) u32(); }
        else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); }
        else if (kind === 3) { p += 2; }
        else if (kind === 4) { p++; u32(); }
      }
    } else if (id === 10) {
      const count = u32();
      for (let i = 0; i < count; i++) { const s = u32(); bodies.push({ index: importedFuncs + i, size: s }); p += s; }
    }
    sections.push({ section: label, bytes: size });
    p = start + size;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  bodies.sort((a, b) => b.size - a.size);
  return { sections, functions: bodies };
}

if (import.meta.url === `file://${process.argv[1]}` && !process.argv.includes('--by-crate')) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 40);
  const { sections, functions } = analyze(readFileSync(file));
  console.table(sections);
  const total = functions.reduce((s, f) => s + f.size, 0);
  console.log(`${functions.length} functions, ${total} bytes of code`);
  console.table(functions.slice(0, top).map((f) => ({ size: f.size, name: f.name.slice(0, 110) })));
}

/** Code bytes per crate, from demangled-ish function names (`<a::b as c::d>::e` counts for `a`). */
export function byCrate(functions) {
  const totals = new Map();
  for (const f of functions) {
    const m = /^<?(?:&(?:mut )?)?(?:\[)?([A-Za-z_][A-Za-z0-9_]*)/.exec(f.name);
    let crate = m ? m[1] : '?';
    if (/^(func|__|dlmalloc|memcpy|memset|memcmp|memmove)/.test(f.name)) crate = f.name.startsWith('func[') ? '(unnamed)' : crate;
    totals.set(crate, (totals.get(crate) ?? 0) + f.size);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes('--by-crate')) {
  const { functions } = analyze(readFileSync(process.argv[2]));
  console.table(byCrate(functions).slice(0, 30).map(([crate, bytes]) => ({ crate, bytes })));
}

/** Code bytes per module path (first three segments, hashes dropped), e.g. `core::slice::sort`. */
export function byPath(functions, depth = 3) {
  const totals = new Map();
  for (const f of functions) {
    const name = f.name.replace(/\[[0-9a-f]+\]/g, '').replace(/::h[0-9a-f]{16}$/, '').replace(/^<+/, '');
    const key = name.split('::').slice(0, depth).join('::').replace(/[<>].*$/, '');
    totals.set(key, (totals.get(key) ?? 0) + f.size);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
