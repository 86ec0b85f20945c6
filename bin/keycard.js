#!/usr/bin/env node
// The `keycard` command: runs the compiled CLI (npm start, npm test and npm run build compile it to dist/).
'use strict';
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'index.js');
try {
  require.resolve(cli);
} catch {
  process.stderr.write(
    'keycard: not built yet. Run `npm run build` (or npm start / npm test) in the checkout first.\n',
  );
  process.exit(2);
}
require(cli)
  .main(process.argv)
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`keycard: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
