#!/usr/bin/env node
// The `pizzaflow` command. Sources are TypeScript compiled to dist/ by `npm install` (prepare).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'tools', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('pizzaflow is not built yet: run `npm install` (or `npm run build`) first\n');
  process.exit(2);
}
require(entry).main(process.argv).catch((err) => {
  process.stderr.write(`pizzaflow: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(typeof err.exitCode === 'number' ? err.exitCode : 1);
});
