// The package's runtime entry (package.json "main"): the repository's one tsconfig compiles the
// emulators to dist/emulators, beside the rest; this file finds them from the package's real folder.
'use strict';
const path = require('node:path');

module.exports = require(path.join(__dirname, '..', 'dist', 'emulators', 'index.js'));
