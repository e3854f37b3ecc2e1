/**
 * Runs the e2e files in one fixed order on every machine. Jest's default order
 * follows the durations it cached from earlier runs, so a CI machine and a
 * developer's ran the same files in different orders, and a failure that needs
 * one order could not be reproduced from the other's log. Shortest first: a
 * broken basic path fails in minutes, not after the chaos suites.
 */
const Sequencer = require("@jest/test-sequencer").default;

const ORDER = ["standalone", "readsplit", "witness", "backups", "failover", "lifecycle"];

const rank = (path) => {
  const name = path.split("/").pop().replace(/\.test\.ts$/, "");
  const index = ORDER.indexOf(name);
  return index < 0 ? ORDER.length : index;
};

const isE2e = (test) => /[\\/]tests[\\/]e2e[\\/]/.test(test.path);

/** The unit files keep Jest's own order (longest first, which fills the workers best). */
class E2eSequencer extends Sequencer {
  async sort(tests) {
    const others = await super.sort(tests.filter((test) => !isE2e(test)));
    const e2e = tests.filter(isE2e).sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
    return [...others, ...e2e];
  }
}

module.exports = E2eSequencer;
