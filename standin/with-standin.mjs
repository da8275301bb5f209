#!/usr/bin/env node
// Runs a command with the stand-in API listening on an ephemeral 127.0.0.1 port, its
// URL in STANDIN_URL, and stops the server afterwards. Used by `make test` for the
// wasm-bindgen-test suites, which read STANDIN_URL at compile time.
//
//   node standin/with-standin.mjs -- cargo test -p runner-match-wasm --target wasm32-unknown-unknown
import { spawn } from 'node:child_process';
import { startStandin } from './server.mjs';

const separator = process.argv.indexOf('--');
const command = separator === -1 ? [] : process.argv.slice(separator + 1);
if (command.length === 0) {
  console.error('usage: node standin/with-standin.mjs -- <command> [args…]');
  process.exit(2);
}

const standin = await startStandin({ port: 0 });
console.error(`stand-in API on ${standin.url}`);
const child = spawn(command[0], command.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, STANDIN_URL: standin.url },
});
const code = await new Promise((resolve) => {
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  child.on('error', (err) => {
    console.error(`could not run ${command[0]}: ${err.message}`);
    resolve(127);
  });
});
await standin.close();
process.exit(code);
