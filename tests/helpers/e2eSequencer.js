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
    const order = orderE2e(tests.map((test) => test.path));
    const e2e = tests.filter(isE2e).sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
    return [...others, ...e2e];
  }
}

/** The e2e files among `paths`, in the fixed order (tools/test-e2e.sh runs each in a process of its own). */
const orderE2e = (paths) => paths.filter((path) => isE2e({ path })).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

module.exports = E2eSequencer;
module.exports.orderE2e = orderE2e;
