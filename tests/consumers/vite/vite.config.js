// Plain object (no `import 'vite'`): the test runs the vite of tests/node_modules against
// this project, whose node_modules holds only the installed runner-match tarball.
export default {
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  // `vite build` needs nothing. The dev server pre-bundles dependencies into
  // node_modules/.vite/deps, which breaks wasm-bindgen's
  // `new URL('runner_match_bg.wasm', import.meta.url)` (the .wasm is not copied there:
  // Vite serves index.html instead, vitejs/vite#8427). Excluding the package from
  // pre-bundling serves it from node_modules/runner-match as it is.
  optimizeDeps: { exclude: ['runner-match'] },
  logLevel: 'warn',
};
