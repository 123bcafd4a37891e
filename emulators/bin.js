#!/usr/bin/env node
// `pizzaflow-emulators`: runs the compiled package (the repository's `npm run build` writes dist/emulators).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'emulators', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('the emulators are not built yet: run `npm install` (or `npm run build`) at the repository root\n');
  process.exit(2);
}
require(entry).main(process.argv).catch((err) => {
  process.stderr.write(`pizzaflow-emulators: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(typeof err.exitCode === 'number' ? err.exitCode : 1);
});
