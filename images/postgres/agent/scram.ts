/**
 * SCRAM-SHA-256 password verifiers, computed here so that `ALTER ROLE … PASSWORD`
 * carries the verifier and never the password (as psql's \password does): no
 * password can reach a server log, even in an error message.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "crypto";

export const SCRAM_ITERATIONS = 4096;

export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  // PostgreSQL runs SASLprep on the password; our generated passwords are ASCII letters and digits, unchanged by it.
  const salted = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
