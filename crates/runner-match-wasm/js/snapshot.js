// Copies a caller's value into plain data before Rust reads it (see src/snapshot.rs).
//
// Rust reads JS values through calls that must not throw: a JS exception unwinding
// through WebAssembly frames skips their cleanup and, repeated, breaks the module. A
// revoked Proxy (an Immer draft after produce()), a throwing getter or an exotic object
// can throw on any read, so every read happens here, inside one try/catch, and Rust
// only ever sees strings, numbers, booleans, arrays and null-prototype objects.

/** Stands in for a value Rust must reject, saying what it was (`a Set`). */
export class Opaque {
  constructor(kind) {
    this.kind = kind;
  }
}

const MAX_DEPTH = 4;

function wellFormed(text) {
  if (typeof text.isWellFormed === 'function') return text.isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function kindOf(value) {
  const name = Object.prototype.toString.call(value).slice(8, -1);
  return name === 'Object' ? 'an object with a custom prototype' : `a ${name}`;
}

function copy(value, path, depth) {
  if (typeof value === 'string') {
    if (!wellFormed(value)) throw new TypeError(`${path} contains a lone UTF-16 surrogate`);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return new Opaque('a too deeply nested value');
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], `${path}[${i}]`, depth + 1);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return new Opaque(kindOf(value));
  const out = Object.create(null);
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: an own "__proto__" key stays a plain key.
    Object.defineProperty(out, key, {
      value: copy(item, `${path}.${key}`, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A plain copy of `value`, or throws a TypeError saying why it cannot be read. */
export function snapshot(value, path) {
  try {
    return copy(value, path, 0);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${path} could not be read: ${why}`);
  }
}
