// The gate in `npm test`: the current contracts and catalog tables must not break what
// contracts/released/ holds. A deliberate new version is released with `pizzaflow contracts
// release` (docs/contracts.md#the-compatibility-gate); new and compatibly changed subjects pass.
import { checkAgainstReleased, defaultReleasedDir, formatFinding } from '../../../tools/cli/contracts-command';

test('no contract or raw table breaks its released snapshot in contracts/released/', () => {
  const report = checkAgainstReleased(defaultReleasedDir());
  expect(report.findings.filter((f) => f.breaking).map(formatFinding)).toEqual([]);
  expect(report.unchanged.length + report.changedCompatibly.length).toBeGreaterThan(0);
});
