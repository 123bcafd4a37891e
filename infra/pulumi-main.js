// What Pulumi runs (Pulumi.yaml `main`): builds the program and the functions' deploy artifacts from
// the sources first, so `pulumi up` never deploys a stale dist/ — then runs the compiled program.
// PIZZAFLOW_SKIP_BUILD=1 skips the build (CI that has just built).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
if (process.env.PIZZAFLOW_SKIP_BUILD !== '1') {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const script of ['build', 'package']) {
    const run = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) throw new Error(`npm run ${script} failed (exit ${run.status}); pulumi cannot deploy what does not build`);
  }
}
module.exports = require(path.join(root, 'dist', 'infra', 'index.js'));
