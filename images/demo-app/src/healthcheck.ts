/** The container health check: the app answers /healthz. */
import * as http from "http";

const request = http.get({ host: "127.0.0.1", port: Number(process.env.PORT ?? 8080), path: "/healthz", timeout: 2000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("error", () => process.exit(1));
request.on("timeout", () => process.exit(1));
