/**
 * Runs the system's curl, a client nobody here wrote, and parses what it printed with -i.
 */
import { spawn } from 'node:child_process';

export interface CurlAnswer {
  /** curl's exit code (28: --max-time ran out, which a held request may do on purpose). */
  exit: number;
  /** Every status line's protocol and code, interim 1xx answers first. */
  statuses: Array<{ http: string; status: number }>;
  http: string;
  status: number;
  headers: Headers;
  body: string;
}

/**
 * `curl -sS -i …args`, reading until curl exits, or until the body matches `until` (then curl is
 * stopped: a stream read with -N never ends by itself).
 *
 * @example
 * const answer = await curl(['-X', 'POST', 'http://127.0.0.1:3000/uploads']);
 * answer.status; // 400
 */
export function curl(args: string[], until?: RegExp): Promise<CurlAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-i', '--max-time', '20', ...args]);
    let out = '';
    let err = '';
    let stopped = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (until && !stopped && until.test(parseCurlOutput(out, 0).body)) {
        stopped = true;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: string) => (err += chunk));
    child.on('error', (error) =>
      reject(new Error(`curl could not run (apt-get install -y curl): ${error.message}`)),
    );
    child.on('close', (code) => {
      const answer = parseCurlOutput(out, stopped ? 0 : (code ?? 1));
      if (answer.statuses.length === 0 && answer.exit !== 28)
        reject(new Error(`curl ${args.join(' ')} printed no answer (exit ${code}): ${err}`));
      else resolve(answer);
    });
  });
}

/** Splits `curl -i` output into its status lines, the final header block and the body. */
export function parseCurlOutput(out: string, exit: number): CurlAnswer {
  const statuses: CurlAnswer['statuses'] = [];
  let headers = new Headers();
  let rest = out;
  for (;;) {
    const match = /^HTTP\/([\d.]+) (\d{3})[^\r\n]*\r?\n/.exec(rest);
    if (!match) break;
    const end = rest.search(/\r?\n\r?\n/);
    const block = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? '' : rest.slice(end).replace(/^\r?\n\r?\n/, '');
    statuses.push({ http: match[1] ?? '', status: Number(match[2]) });
    headers = new Headers();
    for (const line of block.split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  }
  const last = statuses[statuses.length - 1] ?? { http: '', status: 0 };
  return { exit, statuses, ...last, headers, body: rest };
}
