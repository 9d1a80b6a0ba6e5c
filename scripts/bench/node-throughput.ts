/**
 * The same client and server on real loopback sockets in Node, for the in-page vs Node ratio: the
 * sandbox is copied to a scratch folder with the bench's client in place of its own.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSandboxInNode } from '../../src/sandbox/node/harness.ts';

/** Runs `clientCode` as `client.ts` of sandbox `id` in Node and returns everything it logged. */
export async function runClientInNode(
  root: string,
  id: string,
  clientCode: string,
): Promise<string> {
  const scratch = join(root, '.tmp', `bench-${id}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(root, '.tmp'), { recursive: true });
  cpSync(join(root, 'sandboxes', id), scratch, { recursive: true });
  writeFileSync(join(scratch, 'client.ts'), clientCode);
  try {
    const result = await runSandboxInNode(scratch, { timeoutMs: 60_000 });
    return result.logs.map((line) => line.text).join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
