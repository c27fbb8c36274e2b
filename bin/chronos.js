#!/usr/bin/env node
// The `chronos` command: the bundled CLI, built by `npm run build`.
require('../dist/chronos.js');
