/** pg_controldata's output as a handover reads it: whether the shutdown checkpoint is written, and where. */
import { parseControlData } from "../../../images/postgres/agent/postgres";

const controlData = (state: string) => `pg_control version number:            1700
Catalog version number:               202406281
Database system identifier:           7441234567890123456
Database cluster state:               ${state}
pg_control last modified:             Thu 26 Nov 2026 12:50:59 PM UTC
Latest checkpoint location:           0/B000028
Latest checkpoint's REDO location:    0/B000028
Latest checkpoint's REDO WAL file:    00000003000000000000000B
Latest checkpoint's TimeLineID:       3
Latest checkpoint's PrevTimeLineID:   3
`;

describe("pg_controldata", () => {
  it("says a primary's shutdown checkpoint is written, and where its WAL ends", () => {
    expect(parseControlData(controlData("shut down"))).toEqual({ state: "shut down", position: { lsn: 0xb000028n, timeline: 3 } });
  });

  it.each(["in production", "shut down in recovery", "shutting down"])("tells %p apart from a primary shut down", (state) => {
    expect(parseControlData(controlData(state)).state).toBe(state);
  });
});
