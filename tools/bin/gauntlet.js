#!/usr/bin/env node
// The `gauntlet` command: runs the compiled CLI from dist/ (the project builds with `npm run build`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    `gauntlet: ${path.relative(process.cwd(), entry) || entry} is missing; run \`npm run build\` first\n`,
  );
  process.exit(1);
}
require(entry);
