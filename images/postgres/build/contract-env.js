// Writes the contract (components/contract.ts, compiled) as shell variables for the image's scripts:
// one source for every path and name.
const contract = require(process.argv[2]);
const lines = [
  "# Generated from components/contract.ts at image build time.",
  `PGSWARM_VOLUME_DIR=${contract.VOLUME_DIR}`,
  `PGSWARM_STATE_DIR=${contract.STATE_DIR}`,
  `PGSWARM_LOCK_FILE=${contract.LOCK_FILE}`,
  `PGSWARM_AGENT_PORT=${contract.AGENT_PORT}`,
  `PGSWARM_REPO_PATH=${contract.REPO_PATH}`,
  `PGSWARM_DUMPS_DIR=${contract.DUMPS_DIR}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
