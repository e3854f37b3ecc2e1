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
  `PGSWARM_STANZA=${contract.STANZA}`,
  `PGSWARM_BACKUP_REPO_HOST=${contract.BACKUP_REPO_HOST}`,
  `PGSWARM_PGBACKREST_TLS_PORT=${contract.PGBACKREST_TLS_PORT}`,
  `PGSWARM_WAL_CONNECT_TIMEOUT=${contract.WAL_TIMEOUTS_S.connect}`,
  `PGSWARM_WAL_GET_TIMEOUT=${contract.WAL_TIMEOUTS_S.get}`,
  `PGSWARM_WAL_PUSH_TIMEOUT=${contract.WAL_TIMEOUTS_S.push}`,
  `PGSWARM_WAL_DOWN_REMEMBERED=${contract.WAL_TIMEOUTS_S.downRemembered}`,
  `PGSWARM_STREAM_FIRST_FILE=${contract.STREAM_FIRST_FILE}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
